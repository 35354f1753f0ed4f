using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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
            Description = $"A reference case file, or a directory whose *.json files are all replayed (at most {CaseFile.MaxBytes >> 20} MiB each).",
        }.AcceptExistingOnly();
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Write each run's own record, in the case format, to <DIR>/<case name>.json (the name with characters other than letters, digits, '-', '_' and '.' replaced by '_').",
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
            WriteOutputs(results.Select(result => (result.Case.Name, result.Case.Path, result.Output))
                .Concat(trainingResults.Select(result => (result.Case.Name, result.Case.Path, result.Output))).ToArray(), output);
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

    private static void WriteOutputs(IReadOnlyList<(string Name, string Path, JsonObject? Output)> results, DirectoryInfo output)
    {
        // Every target is decided before anything is written: inside --out, under a sanitized name, over no case being replayed.
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var targets = results
            .Where(result => result.Output is not null)
            .Select(result => (Record: result.Output!, Path: Path.Combine(output.FullName, OutputFileName(result.Name, taken))))
            .ToArray();
        var inputs = results.Select(result => Path.GetFullPath(result.Path)).ToHashSet(StringComparer.Ordinal);
        if (targets.FirstOrDefault(target => inputs.Contains(target.Path)) is { Path: { } clash })
            throw new InvalidInputException($"{clash}: --out would overwrite a case being replayed; write the results to another directory.");
        try
        {
            output.Create();
            foreach (var (record, path) in targets) File.WriteAllText(path, record.ToJsonString(Indented));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{output.FullName}: cannot write the results: {exception.Message}", exception);
        }
    }

    /// <summary>The longest file name, without <c>.json</c>, a result is written under.</summary>
    public const int MaxOutputNameLength = 100;

    /// <summary>
    /// The file name a case's result is written under: its name with every character but ASCII letters, digits,
    /// '-', '_' and '.' replaced by '_', no leading dot, at most <see cref="MaxOutputNameLength"/> characters, and
    /// <c>-2</c>, <c>-3</c>, ... when an earlier case took the name. Whatever a case calls itself (<c>../x</c>,
    /// <c>/etc/passwd</c>, a NUL), its result lands directly in --out and replaces no other result.
    /// </summary>
    public static string OutputFileName(string caseName, ISet<string> taken)
    {
        var safe = new StringBuilder(caseName.Length > MaxOutputNameLength ? caseName[..MaxOutputNameLength] : caseName);
        for (int i = 0; i < safe.Length; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(safe[i]) || safe[i] is '-' or '_' or '.')) safe[i] = '_';
        }
        if (safe.Length == 0 || safe[0] == '.') safe.Insert(0, '_');
        string stem = safe.ToString();
        string name = stem + ".json";
        for (int n = 2; !taken.Add(name); n++) name = $"{stem}-{n.ToString(CultureInfo.InvariantCulture)}.json";
        return name;
    }
}
