using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using ScratchOptim.Cli.Replay;
using ScratchOptim.Replay;
using Spectre.Console;

namespace ScratchOptim.Cli.Commands;

/// <summary><c>optim replay CASE.json|DIR [--out DIR]</c>: checks the library against recorded reference runs.</summary>
public static class ReplayCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(IAnsiConsole console)
    {
        var cases = new Argument<FileSystemInfo>("CASE.json|DIR")
        {
            Description = "A reference case file, or a directory whose *.json files are all replayed.",
        }.AcceptExistingOnly();
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Write each run's own record, in the case format, to <DIR>/<case name>.json.",
            HelpName = "DIR",
        };
        var command = new Command("replay", "Replay reference cases through the library's optimizers and compare every step.")
        {
            cases,
            output,
        };
        command.SetAction(parseResult => Run(console, parseResult.GetRequiredValue(cases), parseResult.GetValue(output)));
        return command;
    }

    private static int Run(IAnsiConsole console, FileSystemInfo source, DirectoryInfo? output)
    {
        // Load every case before running any, so bad input stops the command before it prints half a table.
        var cases = CaseFiles(source).Select(Load).ToArray();
        var results = cases.Select(Replay).ToArray();
        if (output is not null) WriteOutputs(results, output);

        ReplayTable.Write(console, results);
        int failed = results.Count(result => result.Status == ReplayStatus.Failed);
        return failed > 0 ? ExitCodes.Failed : ExitCodes.Success;
    }

    private static IEnumerable<string> CaseFiles(FileSystemInfo source)
    {
        if (source is not DirectoryInfo directory) return [source.FullName];
        var files = directory.GetFiles("*.json").Select(file => file.FullName).Order(StringComparer.Ordinal).ToArray();
        return files.Length > 0 ? files : throw new InvalidInputException($"{directory.FullName}: no *.json case files.");
    }

    private static ReferenceCase Load(string path)
    {
        try
        {
            return ReferenceCase.Load(path);
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidInputException(exception.Message, exception);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot read: {exception.Message}", exception);
        }
    }

    private static ReplayResult Replay(ReferenceCase reference)
    {
        try
        {
            return CaseRunner.Run(reference);
        }
        catch (Exception exception) when (exception is InvalidDataException or InvalidOperationException or FormatException)
        {
            // Raised while reading the parts of a case only a run looks at, such as its final state.
            string message = exception is InvalidDataException ? exception.Message : $"{reference.Path}: a value has the wrong type: {exception.Message}";
            throw new InvalidInputException(message, exception);
        }
    }

    private static void WriteOutputs(IEnumerable<ReplayResult> results, DirectoryInfo output)
    {
        try
        {
            output.Create();
            foreach (var result in results)
            {
                if (result.Output is null) continue;
                File.WriteAllText(Path.Combine(output.FullName, result.Case.Name + ".json"), result.Output.ToJsonString(Indented));
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{output.FullName}: cannot write the results: {exception.Message}", exception);
        }
    }
}
