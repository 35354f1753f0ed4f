using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// Enum-typed <c>[Hyper]</c> fields: an enum-typed constructor parameter and property, <c>Set</c> by value or by member
/// name, a range check that rejects unnamed values, the allowed values in the documentation, and comparisons in
/// step-uniform conditions, which decide branches and state allocation once per step.
/// </summary>
public class EnumHyperparameterTests
{
    private const string Declaration = """
        public enum Rounding { Plain, Halved, Quartered }

        [Optimizer(StepState = null)]
        public partial class Switched
        {
            [Hyper(Min = 0)] double lr = 0.5;
            /// <summary>How the step is scaled.</summary>
            [Hyper] Rounding rounding = Rounding.Halved;
            [Hyper] PyTorchVersion pytorch = PyTorchVersion.V2;
            [State] Element kept;
            void Update(ref Element p, Element g, int t)
            {
                double scale = rounding == Rounding.Plain ? 1 : rounding == Rounding.Halved ? 0.5 : 0.25;
                if (pytorch == PyTorchVersion.V1_13) kept = g;
                p = p - lr * scale * g;
            }
        }
        """;

    [Fact]
    public void Constructor_parameter_and_property_have_the_enum_type_and_conditions_compare_members()
    {
        string source = Generate(Declaration).Source;
        Assert.Contains("global::Demo.Rounding rounding = global::Demo.Rounding.Halved,", source, StringComparison.Ordinal);
        Assert.Contains("global::ScratchOptim.Dsl.PyTorchVersion pytorch = global::ScratchOptim.Dsl.PyTorchVersion.V2)", source, StringComparison.Ordinal);
        Assert.Contains("public global::Demo.Rounding Rounding", source, StringComparison.Ordinal);
        Assert.Contains("set => rounding = CheckDefined(\"rounding\", value);", source, StringComparison.Ordinal);
        Assert.Contains("Rounding = Convert<global::Demo.Rounding>(name, value);", source, StringComparison.Ordinal);
        Assert.Contains("scale = hyper.Rounding == global::Demo.Rounding.Plain ? 1 : hyper.Rounding == global::Demo.Rounding.Halved ? 0.5 : 0.25;", source, StringComparison.Ordinal);
        Assert.Contains("pytorchIsV1_13 = hyper.Pytorch == global::ScratchOptim.Dsl.PyTorchVersion.V1_13;", source, StringComparison.Ordinal);
        Assert.Contains("/// <param name=\"rounding\">How the step is scaled. One of Plain, Halved, Quartered. PyTorch: rounding.</param>", source, StringComparison.Ordinal);
        Assert.Contains("\"if (pytorch == PyTorchVersion.V1_13)\"", source, StringComparison.Ordinal);
        Assert.Contains(@"\\textbf{if } \\mathrm{pytorch} = \\text{V1\\_13}:", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_takes_a_value_or_a_member_name_in_any_case_and_rejects_anything_else()
    {
        var (optimizer, parameter) = Create(Generate(Declaration).Output);
        var settings = optimizer.GroupHyperparameters(0);
        var rounding = settings.GetType().GetProperty("Rounding")!;
        Type enumType = rounding.PropertyType;
        Assert.Equal("Halved", settings.Get("rounding")?.ToString());

        settings.Set("rounding", "quartered");
        Assert.Equal("Quartered", settings.Get("rounding")?.ToString());
        settings.Set("rounding", Enum.Parse(enumType, "Plain"));
        Assert.Equal("Plain", settings.Get("rounding")?.ToString());
        settings.Set("pytorch", "V1_13");
        Assert.Equal(ScratchOptim.Dsl.PyTorchVersion.V1_13, settings.Get("pytorch"));

        foreach (object wrong in new object[] { "Eighth", "1", 1, 1.0, true, ScratchOptim.Dsl.PyTorchVersion.V2 })
        {
            var exception = Assert.Throws<ArgumentException>(() => settings.Set("rounding", wrong));
            Assert.Contains("hyperparameter 'rounding' is a Rounding (one of Plain, Halved, Quartered)", exception.Message, StringComparison.Ordinal);
        }
        Assert.Equal("Plain", settings.Get("rounding")?.ToString());

        // A value no member has is out of range, through the typed property too.
        var invocation = Assert.Throws<TargetInvocationException>(() => rounding.SetValue(settings, Enum.ToObject(enumType, 7)));
        var outOfRange = Assert.IsType<ArgumentOutOfRangeException>(invocation.InnerException);
        Assert.Contains("Switched: hyperparameter 'rounding' (torch: rounding) must be one of Plain, Halved, Quartered; got 7.", outOfRange.Message, StringComparison.Ordinal);
        Assert.Equal("Plain", settings.Get("rounding")?.ToString());
        Assert.NotNull(parameter);
    }

    [Fact]
    public void The_documentation_lists_the_allowed_values()
    {
        var (optimizer, _) = Create(Generate(Declaration).Output);
        var rounding = optimizer.Info.Hyperparameters.Single(h => h.Name == "rounding");
        Assert.Equal("Rounding", rounding.Type);
        Assert.Equal("Rounding.Halved", rounding.Default);
        Assert.Equal(new[] { "Plain", "Halved", "Quartered" }, rounding.Values);
        Assert.Equal("one of Plain, Halved, Quartered", rounding.Range);
        Assert.Equal("How the step is scaled.", rounding.Description);
        Assert.Null(optimizer.Info.Hyperparameters.Single(h => h.Name == "lr").Values);
        Assert.Equal("pytorch == PyTorchVersion.V1_13", optimizer.Info.States.Single().AllocatedWhen);
    }

    [Fact]
    public void The_setting_chooses_the_branch_and_the_state_each_step()
    {
        var (optimizer, parameter) = Create(Generate(Declaration).Output);
        var settings = optimizer.GroupHyperparameters(0);
        parameter.Grad = new float[] { 1, -2, 4 };
        optimizer.Step(); // Halved: p - 0.5 * 0.5 * g
        Assert.Equal(new float[] { 0.75f, 1.5f, 0f }, parameter.Data.ToArray());
        Assert.True(optimizer.State<float>(parameter, "kept").IsEmpty); // allocated only for PyTorch 1.13

        settings.Set("rounding", "Quartered");
        settings.Set("pytorch", "v1_13");
        optimizer.Step(); // Quartered: p - 0.5 * 0.25 * g
        Assert.Equal(new float[] { 0.625f, 1.75f, -0.5f }, parameter.Data.ToArray());
        Assert.Equal(new float[] { 1, -2, 4 }, optimizer.State<float>(parameter, "kept").ToArray());
    }

    [Fact]
    public void A_state_file_keeps_an_enum_setting_by_its_members_name()
    {
        var output = Generate(Declaration).Output;
        var (saved, _) = Create(output);
        saved.GroupHyperparameters(0).Set("rounding", "Quartered");
        using var file = new MemoryStream();
        saved.SaveState(file);
        string text = System.Text.Encoding.UTF8.GetString(file.ToArray());
        Assert.Contains("\"rounding\": \"Quartered\"", text, StringComparison.Ordinal);
        Assert.Contains("\"pytorch\": \"V2\"", text, StringComparison.Ordinal);

        var (loaded, _) = Create(output);
        loaded.LoadState(new MemoryStream(file.ToArray()));
        Assert.Equal("Quartered", loaded.GroupHyperparameters(0).Get("rounding")?.ToString());

        // A number or a name the enum does not have is rejected, and nothing changes.
        foreach (string wrong in new[] { "\"rounding\": \"Eighth\"", "\"rounding\": 2" })
        {
            var (target, _) = Create(output);
            var corrupt = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text.Replace("\"rounding\": \"Quartered\"", wrong, StringComparison.Ordinal)));
            var exception = Assert.Throws<InvalidDataException>(() => target.LoadState(corrupt));
            Assert.Contains("hyperparameter 'rounding' is a Rounding (one of Plain, Halved, Quartered)", exception.Message, StringComparison.Ordinal);
            Assert.Equal("Halved", target.GroupHyperparameters(0).Get("rounding")?.ToString());
        }
    }

    private const string ScaleLine = "double scale = rounding == Rounding.Plain ? 1 : rounding == Rounding.Halved ? 0.5 : 0.25;";

    public static TheoryData<string, string> WrongUses => new()
    {
        // A private enum cannot be the type of the public constructor's parameter.
        { "OPT007", Declaration.Replace("public enum Rounding { Plain, Halved, Quartered }", "", StringComparison.Ordinal)
            .Replace("public partial class Switched\n{", "public partial class Switched\n{\n    private enum Rounding { Plain, Halved, Quartered }", StringComparison.Ordinal)
            .Replace("[Hyper] Rounding rounding", "[Hyper] Rounding [|rounding|]", StringComparison.Ordinal) },
        { "OPT008", Declaration.Replace("Rounding rounding = Rounding.Halved;", "Rounding rounding = [|(Rounding)7|];", StringComparison.Ordinal) },
        { "OPT020", Declaration.Replace(ScaleLine, "double scale = [|rounding + 1|] == Rounding.Plain ? 1 : 0.5;", StringComparison.Ordinal) },
        { "OPT020", Declaration.Replace(ScaleLine, "double scale = [|(int)rounding|];", StringComparison.Ordinal) },
        { "OPT021", Declaration.Replace(ScaleLine, "Rounding [|copy|] = rounding;\n        double scale = 0.5;", StringComparison.Ordinal) },
    };

    [Theory]
    [MemberData(nameof(WrongUses))]
    public void A_wrong_use_of_an_enum_hyperparameter_gets_its_diagnostic_at_the_offending_code(string id, string declaration)
    {
        int start = declaration.IndexOf("[|", StringComparison.Ordinal);
        int end = declaration.IndexOf("|]", StringComparison.Ordinal) - 2;
        Assert.True(start >= 0 && end >= start, "the declaration marks the expected span");
        string source = GeneratorHarness.Usings + declaration.Replace("[|", "", StringComparison.Ordinal).Replace("|]", "", StringComparison.Ordinal);
        var expected = new TextSpan(GeneratorHarness.Usings.Length + start, end - start);

        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.Compile(source));
        Assert.True(diagnostics.Any(d => d.Id == id && d.Location.SourceSpan == expected),
            $"expected {id} at {expected}; got:\n{GeneratorHarness.Describe(diagnostics)}");
        Assert.Empty(GeneratorHarness.Generate(GeneratorHarness.Compile(source)).Run.GeneratedSources.Where(s => s.HintName == "Demo.Switched.g.cs"));
    }

    private static (Compilation Output, string Source) Generate(string declaration)
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + declaration);
        var analysis = GeneratorHarness.Analyze(compilation);
        Assert.True(analysis.IsEmpty, GeneratorHarness.Describe(analysis));
        var (output, run, _) = GeneratorHarness.Generate(compilation);
        Assert.Empty(run.Diagnostics);
        var compiled = GeneratorHarness.CompilerDiagnostics(output);
        Assert.True(compiled.IsEmpty, GeneratorHarness.Describe(compiled));
        return (output, run.GeneratedSources.Single(s => s.HintName == "Demo.Switched.g.cs").SourceText.ToString());
    }

    private static (Optimizer Optimizer, Parameter<float> Parameter) Create(Compilation output)
    {
        var type = GeneratorHarness.Load(output).GetType("Demo.Switched")!;
        var parameter = new Parameter<float>(new float[] { 1, 1, 1 }, "p");
        // The constructor's own defaults for every hyperparameter.
        var constructor = type.GetConstructors().Single();
        var arguments = constructor.GetParameters().Select(p => p.Position == 0 ? new[] { parameter } : Type.Missing).ToArray();
        return ((Optimizer)constructor.Invoke(BindingFlags.OptionalParamBinding, null, arguments, null), parameter);
    }
}
