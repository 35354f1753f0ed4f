using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Training.Tests;

/// <summary>
/// The README's training loop is a program that compiles (no warnings either) and runs: it trains, saves its
/// checkpoint, and a second run resumes from it.
/// </summary>
public class ReadmeExampleTests
{
    private const string Marker = "<!-- compiled and run by tests/Optim.Training.Tests/ReadmeExampleTests.cs -->";

    [Fact]
    public void The_READMEs_training_loop_compiles_trains_and_resumes_from_its_checkpoint()
    {
        using var directory = new TempDirectory();
        string checkpointPath = directory.File("run.safetensors");
        // The example's relative path, made absolute: the test must not change the process's current directory.
        string source = ReadmeExample().Replace("\"run.safetensors\"", $"@\"{checkpointPath}\"", StringComparison.Ordinal);
        var entryPoint = Compile(source);

        entryPoint.Invoke(null, [Array.Empty<string>()]);

        var weight = new Parameter<float>(new float[12], [4, 3], "linear.weight");
        var bias = new Parameter<float>(new float[4], "linear.bias");
        var optimizer = new AdamW(new ParameterGroups { { [weight] }, { [bias], ("weight_decay", 0.0) } }, lr: 0.05, weightDecay: 0.01);
        var schedule = LRSchedules.LinearWarmupCosine(optimizer, warmupSteps: 20, totalSteps: 500, minLr: 1e-4);
        var ema = AveragedModel.ExponentialMovingAverage([weight, bias], decay: 0.99);
        new Checkpoint([weight, bias], optimizer, [schedule], ema).Load(checkpointPath);
        Assert.Equal(500, optimizer.StepCount(weight));
        Assert.All(bias.Data.ToArray(), b => Assert.InRange(b, -1.01f, -0.99f));
        Assert.All(weight.Data.ToArray(), w => Assert.InRange(w, 0.45f, 0.5f)); // weight decay pulls it a little towards 0
        Assert.All(ema.Average<float>(bias).ToArray(), b => Assert.InRange(b, -1.01f, -0.99f));

        // A second run resumes at step 500: it takes no step and saves nothing new.
        var saved = File.ReadAllBytes(checkpointPath);
        entryPoint.Invoke(null, [Array.Empty<string>()]);
        Assert.Equal(saved, File.ReadAllBytes(checkpointPath));
    }

    /// <summary>The C# block after the marker in README.md.</summary>
    private static string ReadmeExample()
    {
        string readme = File.ReadAllText(Path.Combine(Paths.Repository, "README.md"));
        int marker = readme.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(marker >= 0, $"README.md has no '{Marker}'");
        int start = readme.IndexOf("```csharp\n", marker, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    /// <summary>Compiles <paramref name="source"/> as a console program against .NET 10 and ScratchOptim; returns its Main.</summary>
    internal static MethodInfo Compile(string source)
    {
        var references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Concat(new[] { typeof(Parameter), typeof(AdamW), typeof(Checkpoint), typeof(ScratchOptim.Dsl.PyTorchVersion) }
                .Select(type => MetadataReference.CreateFromFile(type.Assembly.Location)))
            .ToImmutableArray();
        var compilation = CSharpCompilation.Create(
            "ReadmeTrainingLoop",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Program.cs")],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToArray();
        Assert.True(result.Success && problems.Length == 0, "The README's example does not compile cleanly:\n" + string.Join("\n", problems));
        return Assembly.Load(image.ToArray()).EntryPoint!;
    }
}
