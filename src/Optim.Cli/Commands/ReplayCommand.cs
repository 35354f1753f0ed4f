using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using ScratchOptim.Cli.Replay;
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
        // Optimizer cases have no "kind"; scheduler, clipping and averaging cases do (TrainingCaseRunner).
        var files = CaseFiles(source).ToArray();
        var isTraining = files.ToDictionary(file => file, file => Read(file, TrainingCase.IsTrainingCase));
        var cases = files.Where(file => !isTraining[file]).Select(Load).ToArray();
        var trainingCases = files.Where(file => isTraining[file]).Select(file => Read(file, TrainingCase.Load)).ToArray();
        var results = cases.Select(Replay).ToArray();
        var trainingResults = trainingCases.Select(reference => Read(reference.Path, _ => TrainingCaseRunner.Run(reference))).ToArray();
        if (output is not null)
        {
            WriteOutputs(results.Select(result => (result.Case.Name, result.Output))
                .Concat(trainingResults.Select(result => (result.Case.Name, result.Output))), output);
        }

        if (results.Length > 0 || trainingResults.Length == 0) ReplayTable.Write(console, results);
        if (trainingResults.Length > 0) TrainingReplayTable.Write(console, trainingResults);
        int failed = results.Count(result => result.Status == ReplayStatus.Failed)
            + trainingResults.Count(result => result.Status == ReplayStatus.Failed);
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

    private static T Read<T>(string path, Func<string, T> read)
    {
        try
        {
            return read(path);
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

    private static void WriteOutputs(IEnumerable<(string Name, System.Text.Json.Nodes.JsonObject? Output)> results, DirectoryInfo output)
    {
        try
        {
            output.Create();
            foreach (var (name, record) in results)
            {
                if (record is null) continue;
                File.WriteAllText(Path.Combine(output.FullName, name + ".json"), record.ToJsonString(Indented));
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{output.FullName}: cannot write the results: {exception.Message}", exception);
        }
    }
}
