using System;
using System.Linq;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// One test per generator bug the robustness test found, on the smallest declaration that showed it. Each runs the
/// robustness test's checks (<see cref="MutantChecker"/>): no exception and no internal error from the generator or the
/// analyzer, and, when the declaration is error-free, generated code that compiles without a warning.
/// </summary>
public class RegressionTests
{
    private const string Valid = """
        [Optimizer]
        public partial class Demo
        {
            [Hyper(Min = 0)] double lr = 0.1;
            [Hyper(Min = 0, Max = 1)] double beta = 0.9;
            [State] Element m;
            void Update(ref Element p, Element g, int t)
            {
                m = beta * m + g;
                p = p - lr * m;
            }
        }
        """;

    /// <summary>
    /// Found by an outside probe (issue 11): a double negation was emitted as a decrement (<c>--x</c>). The code has been
    /// right since the typed IR; the documentation text and LaTeX still printed <c>--shift</c>.
    /// </summary>
    [Fact]
    public void A_double_negation_stays_a_negation_in_the_code_and_in_the_documentation()
    {
        string declaration = Valid.Replace("m = beta * m + g;", "double x = -(-beta);\n        int k = -(-t);\n        m = x * m + k * -(-g);");
        AssertSurvives(declaration, expectGenerated: true);

        var (_, run, _) = GeneratorHarness.Generate(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration));
        string generated = string.Concat(run.GeneratedSources.Select(s => s.SourceText.ToString()));
        Assert.Contains("x = -(-hyper.Beta);", generated, System.StringComparison.Ordinal);
        Assert.Contains("\"double x = -(-beta)\"", generated, System.StringComparison.Ordinal);
        Assert.Contains(@"x \\leftarrow -\\left(-\\beta\\right)", generated, System.StringComparison.Ordinal);
        Assert.DoesNotContain("--", generated.Replace("// ", "").Replace("<!--", ""), System.StringComparison.Ordinal);
    }

    /// <summary>Found by deleting the class name of RAdam.cs (IndexOutOfRangeException in the emitter, OPT099).</summary>
    [Fact]
    public void A_class_without_a_name_is_left_to_the_compiler()
    {
        AssertSurvives(Valid.Replace("public partial class Demo", "public partial class"), expectGenerated: false);
    }

    /// <summary>Found by renaming ASGD's t0 to alpha (ArgumentException: an item with the same key, OPT099).</summary>
    [Fact]
    public void Two_fields_of_the_same_name_are_left_to_the_compiler()
    {
        AssertSurvives(Valid.Replace("double beta = 0.9;", "double lr = 0.9;").Replace("beta * m", "lr * m"), expectGenerated: false);
    }

    /// <summary>Found by replacing SGD's default 1e-3 with 'c' (InvalidCastException from char to double, OPT099).</summary>
    [Fact]
    public void A_char_constant_as_a_default_is_its_code_point()
    {
        AssertSurvives(Valid.Replace("double lr = 0.1;", "double lr = 'c';"), expectGenerated: true);
        AssertSurvives(Valid.Replace("[State] Element m;", "[State] Element m;\n    [State] float scale = 'c';").Replace("p = p - lr * m;", "scale = (float)(scale * beta);\n        p = p - lr * scale * m;"), expectGenerated: true);
    }

    /// <summary>Found by replacing AdamW's Torch name "betas[0]" with "back\\slash" (CS1009 in the generated switch).</summary>
    [Fact]
    public void A_torch_name_with_quotes_or_backslashes_is_escaped()
    {
        AssertSurvives(Valid.Replace("[Hyper(Min = 0, Max = 1)]", "[Hyper(Min = 0, Max = 1, Torch = \"back\\\\slash \\\"quoted\\\"\")]"), expectGenerated: true);
    }

    /// <summary>Found by replacing RAdam's Torch names with "line\nbreak" (the name broke out of a /// comment: CS1519).</summary>
    [Fact]
    public void A_torch_name_with_a_line_break_stays_inside_the_doc_comments()
    {
        AssertSurvives(Valid.Replace("[Hyper(Min = 0, Max = 1)]", "[Hyper(Min = 0, Max = 1, Torch = \"line\\nbreak\")]"), expectGenerated: true);
        AssertSurvives(Valid.Replace("[State] Element m;", "[State(Torch = \"line\\nbreak <&>\")] Element m;"), expectGenerated: true);
    }

    /// <summary>
    /// Found by replacing RAdam's Torch name "betas[0]" with "lr" (CS0152: the label "lr" twice in the generated switch).
    /// Such a declaration is now OPT031 (the runtime finds a hyperparameter by either name, so one of them would be
    /// unreachable), and still neither crashes the generator nor emits anything.
    /// </summary>
    [Fact]
    public void A_torch_name_that_is_another_hyperparameters_name_does_not_duplicate_a_label()
    {
        AssertSurvives(Valid.Replace("[Hyper(Min = 0, Max = 1)]", "[Hyper(Min = 0, Max = 1, Torch = \"lr\")]"), expectGenerated: false);
        AssertSurvives(Valid.Replace("[Hyper(Min = 0)]", "[Hyper(Min = 0, Torch = \"beta\")]"), expectGenerated: false);
        AssertSurvives(Valid.Replace("[Hyper(Min = 0)]", "[Hyper(Min = 0, Torch = \"same\")]").Replace("[Hyper(Min = 0, Max = 1)]", "[Hyper(Min = 0, Max = 1, Torch = \"same\")]"), expectGenerated: false);
    }

    /// <summary>
    /// Found by cutting Adam.cs after <c>Element denom;</c> and closing the braces (CS0168 in the generated loops), and
    /// by deleting the '-' of SGD's <c>g = g - …</c> (CS1717): the declaration's own warnings were repeated in the
    /// generated code. An unused local with a constant value warned only there (CS0219).
    /// </summary>
    [Fact]
    public void The_declarations_own_warnings_are_not_repeated_in_the_generated_code()
    {
        AssertSurvives(Valid.Replace("m = beta * m + g;", "Element unused;\n        m = beta * m + g;"), expectGenerated: true);
        AssertSurvives(Valid.Replace("m = beta * m + g;", "Element one = 1;\n        double half = 0.5;\n        m = beta * m + g;"), expectGenerated: true);
        AssertSurvives(Valid.Replace("m = beta * m + g;", "g = g;\n        m = beta * m + g;"), expectGenerated: true);
    }

    /// <summary>Found by renaming SGD to p (CS8981, a lower-case type name, repeated on the generated part of the class).</summary>
    [Fact]
    public void A_lower_case_class_name_warns_only_on_the_declaration()
    {
        AssertSurvives(Valid.Replace("public partial class Demo", "public partial class demo"), expectGenerated: true);
    }

    /// <summary>Found by replacing Rprop's factor 1 with double.NaN (the literal was emitted as 'NaNf': CS0103).</summary>
    [Fact]
    public void A_nan_constant_in_the_loop_is_a_float_nan()
    {
        AssertSurvives(Valid.Replace("p = p - lr * m;", "p = p - lr * (m > 1e30 ? double.NaN : m);"), expectGenerated: true);
    }

    /// <summary>
    /// Found by renaming GradientDescent to @class (the registry wrote 'global::Demo.class': CS1001). Writing this test
    /// found the namespace's twin: a keyword namespace part (<c>Demo.@event</c>) kept its '@' in the generated file's
    /// name, and AddSource threw (an ArgumentException out of the generator).
    /// </summary>
    [Fact]
    public void Keyword_class_and_namespace_names_are_escaped()
    {
        const string source = "using ScratchOptim.Dsl;\nnamespace Demo.@event;\n[Optimizer]\npublic partial class @class\n{\n    [Hyper(Min = 0)] double lr = 0.1;\n    void Update(ref Element p, Element g, int t) { p = p - lr * g; }\n}\n";
        var (failure, generated) = MutantChecker.Check(source);
        Assert.True(failure is null, failure);
        Assert.True(generated);
    }

    /// <summary>Found by renaming Rprop to record (CS8860 repeated on the generated part of the class).</summary>
    [Fact]
    public void A_class_named_record_warns_only_on_the_declaration()
    {
        AssertSurvives(Valid.Replace("public partial class Demo", "public partial class record"), expectGenerated: true);
    }

    /// <summary>
    /// Found by renaming, everywhere, a hyperparameter to its PascalCase form (lr → Lr: CS0102, the generated field and
    /// property had one name), a state to a generated member (velocity → Apply, Documentation, defaults: CS0102), the
    /// class to one (GradientDescent → Defaults: CS0542), a local or a state to a name of the step loop (buf → length,
    /// biasCorrection1 → hyper: CS0128, CS0136), a parameter of the update to Kernel (CS0149), a state to the name of a
    /// parameter of the update (ax → p: CS0100), a local to a keyword (bcm → @class: CS1525), and a hyperparameter to a
    /// member of Hyperparameters (lr → Optimizer: CS0108; eps → clone), and the class to nuint (RMSprop → nuint: the
    /// kernel's 'nuint i' meant the class, CS0029). Each is now OPT025, and nothing is generated.
    /// </summary>
    [Theory]
    [InlineData("double lr = 0.1;|double Lr = 0.1;", "lr * m|Lr * m")]
    [InlineData("double lr = 0.1;|double clone = 0.1;", "lr * m|clone * m")]
    [InlineData("double lr = 0.1;|double value = 0.1;", "lr * m|value * m")]
    [InlineData("double lr = 0.1;|double check = 0.1;", "lr * m|check * m")]
    [InlineData("[State] Element m;|[State] Element m;\n    [State] Element Documentation;", "m = beta * m + g;|m = beta * m + g;\n        Documentation = g;")]
    [InlineData("[State] Element m;|[State] Element m;\n    [State] Element defaults;", "m = beta * m + g;|m = beta * m + g;\n        defaults = g;")]
    [InlineData("public partial class Demo|public partial class Defaults", "x|x")]
    [InlineData("public partial class Demo|public partial class nuint", "x|x")]
    [InlineData("[State] Element m;|[State] Element m;\n    [State] Element length;", "m = beta * m + g;|m = beta * m + g;\n        length = g;")]
    [InlineData("[State] Element m;|[State] Element m;\n    [State] Element p;", "x|x")]
    [InlineData("m = beta * m + g;|Element hyper = g;\n        m = beta * m + hyper;", "x|x")]
    [InlineData("m = beta * m + g;|Element @class = g;\n        m = beta * m + @class;", "x|x")]
    [InlineData("ref Element p, Element g|ref Element p, Element Kernel", "+ g;|+ Kernel;")]
    [InlineData("void Update(|int Apply() => 0;\n    void Update(", "x|x")]
    public void A_name_the_generated_code_uses_is_OPT025(string edit1, string edit2)
    {
        string declaration = Valid;
        foreach (var edit in new[] { edit1, edit2 })
        {
            var parts = edit.Split('|');
            declaration = parts[0] == "x" ? declaration : declaration.Replace(parts[0], parts[1], System.StringComparison.Ordinal);
        }
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + declaration);
        Assert.Contains(GeneratorHarness.Analyze(compilation), d => d.Id == "OPT025");
        AssertSurvives(declaration, expectGenerated: false);
    }

    /// <summary>
    /// Found by changing Rprop's <c>Element factor = s &gt; 0 ? etaPlus : …</c> to <c>var factor</c>: C# types the choice as a
    /// double (a comparison of elements is a plain bool), so the per-element value was computed once per step, before
    /// the loop that defines <c>s</c> (CS0103). A per-element choice stored in a double or float local, in per-tensor
    /// state, or passed to a double overload of an intrinsic is now OPT015, and nothing is generated.
    /// </summary>
    [Theory]
    [InlineData("var factor = g > 0 ? 1.0 : 2.0;\n        m = beta * m + factor * g;")]
    [InlineData("double factor = g > 0 ? 1.0 : 2.0;\n        m = beta * m + factor * g;")]
    [InlineData("float factor = g > 0 ? 1f : 2f;\n        m = beta * m + factor * g;")]
    [InlineData("m = beta * m + Sqrt(g > 0 ? 4.0 : 9.0) * g;")]
    [InlineData("if (Sqrt(g > 0 ? 4.0 : 9.0) > 2) g = -g;\n        m = beta * m + g;")]
    public void A_per_element_choice_where_a_step_uniform_value_is_required_is_OPT015(string statements)
    {
        string declaration = Valid.Replace("m = beta * m + g;", statements, System.StringComparison.Ordinal);
        Assert.Contains(GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration)), d => d.Id == "OPT015");
        AssertSurvives(declaration, expectGenerated: false);
    }

    /// <summary>
    /// Found by writing optimizers as a newcomer would: a local whose declaration is reported (a per-element choice in a
    /// double, OPT015; a name the generated loop uses, OPT025; a name of a hyperparameter, OPT011; a type the DSL has
    /// not, OPT021; a bool of per-element comparisons, OPT023) was reported a second time at each use, as OPT020
    /// "'s' is not allowed in an update", which sent the reader looking for a mistake that is not there. Only the
    /// declaration is reported now.
    /// </summary>
    [Theory]
    [InlineData("double s = g > 0 ? 1.0 : 0.5;\n        m = beta * m + s * g;", "OPT015")]
    [InlineData("double phase = 2 * beta;\n        m = phase * m + g;\n        phase = 1;", "OPT025")]
    [InlineData("Element lr = g;\n        m = beta * m + lr;", "OPT011")]
    [InlineData("long k = 2;\n        m = beta * m + k * g;", "OPT021")]
    [InlineData("bool up = g > 0;\n        m = up ? g : -g;", "OPT023")]
    public void A_local_whose_declaration_is_reported_is_not_reported_again_where_it_is_used(string statements, string id)
    {
        string declaration = Valid.Replace("m = beta * m + g;", statements, System.StringComparison.Ordinal);
        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration));
        Assert.Equal(id, Assert.Single(diagnostics).Id);
        AssertSurvives(declaration, expectGenerated: false);
    }

    /// <summary>
    /// Found by writing optimizers as a newcomer would: a range that holds no value (the bounds swapped) was reported as
    /// a default outside it (OPT008), which sent the reader to the default; an optional hyperparameter's empty range was
    /// not reported at all, and every setting of it was then refused. It is OPT033, once, at the bound.
    /// </summary>
    [Theory]
    [InlineData("[Hyper(Min = 0, Max = 1)] double beta = 0.9;", "[Hyper(Min = 1, Max = 0)] double beta = 0.9;", "[1, 0]")]
    [InlineData("[Hyper(Min = 0, Max = 1)] double beta = 0.9;", "[Hyper(Min = 0.5, Max = 0.5, MaxExclusive = true)] double beta = 0.5;", "[0.5, 0.5)")]
    [InlineData("[Hyper(Min = 0, Max = 1)] double beta = 0.9;", "[Hyper(Min = double.NaN)] double beta = 0.9;", "[NaN, ∞)")]
    [InlineData("[Hyper(Min = 0)] double lr = 0.1;", "[Hyper(Min = 1, Max = 0)] double? lr = null;", "[1, 0]")]
    [InlineData("[Hyper(Min = 0)] double lr = 0.1;", "[Hyper(Min = 2, Max = 1)] int lr = 1;", "[2, 1]")]
    public void A_range_that_holds_no_value_is_OPT033_at_the_bound_not_a_default_outside_it(string field, string empty, string range)
    {
        string declaration = Valid.Replace(field, empty, System.StringComparison.Ordinal);
        if (empty.Contains("double?", System.StringComparison.Ordinal))
            declaration = declaration.Replace("p - lr * m", "p - (lr != null ? lr : 0.1) * m", System.StringComparison.Ordinal);
        var diagnostic = Assert.Single(GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration)));
        Assert.Equal("OPT033", diagnostic.Id);
        Assert.Contains("The range " + range + " of hyperparameter", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        AssertSurvives(declaration, expectGenerated: false);
    }

    [Fact]
    public void A_per_element_choice_stored_in_per_tensor_state_is_OPT015()
    {
        string declaration = Valid.Replace("[State] Element m;", "[State] Element m;\n    [State] float scale = 1;")
            .Replace("p = p - lr * m;", "scale = g > 0 ? 1f : 2f;\n        p = p - lr * scale * m;");
        Assert.Contains(GeneratorHarness.Analyze(GeneratorHarness.Compile(GeneratorHarness.Usings + declaration)), d => d.Id == "OPT015");
        AssertSurvives(declaration, expectGenerated: false);
    }

    /// <summary>
    /// Found by reading the emitter: the loops' names derived from a generated one (a step-uniform value's broadcast
    /// <c>betaVec</c>, Lerp's prepared weight <c>oneMinusBetaLerp</c>) were not claimed, so a user's local of that name
    /// was declared twice (CS0136).
    /// </summary>
    [Fact]
    public void A_local_named_like_a_broadcast_or_a_prepared_weight_gets_its_own_name()
    {
        AssertSurvives(Valid.Replace("m = beta * m + g;", "Element betaVec = g;\n        m = beta * m + betaVec;"), expectGenerated: true);
        AssertSurvives(Valid.Replace("m = beta * m + g;", "Element oneMinusBetaLerp = g;\n        m = Lerp(m, oneMinusBetaLerp, 1 - beta);"), expectGenerated: true);
    }

    /// <summary>
    /// Found by reading the emitter: the loops named a per-row state's new values <c>rowVarNew</c> and a reduction's lanes
    /// <c>sumOfSquaresPLanes</c> without claiming the names. A user's local <c>rowVarNew</c> then stood in for the new row
    /// values: the generated code compiled and computed something else. With such locals (whose values do not change
    /// the result), Adafactor must step a matrix to the bits of the built-in one.
    /// </summary>
    [Fact]
    public void Locals_named_like_new_row_values_or_lanes_leave_Adafactor_as_it_is()
    {
        string adafactor = GeneratorHarness.BuiltInSource("Adafactor.cs");
        string declaration = adafactor
            .Replace("partial class Adafactor", "partial class ShadowedAdafactor", StringComparison.Ordinal)
            .Replace("Element varianceEstimate;", "Element varianceEstimate;\n        Element rowVarNew = g;\n        Element sumOfSquaresPLanes = g;", StringComparison.Ordinal)
            .Replace("varianceEstimate = rowVar * colVar / Max(Mean(rowVar), floor);",
                "varianceEstimate = rowVar * colVar / Max(Mean(rowVar), floor) + 0 * Abs(rowVarNew * sumOfSquaresPLanes);", StringComparison.Ordinal);
        var (failure, generated) = MutantChecker.Check(declaration);
        Assert.True(failure is null, failure);
        Assert.True(generated);

        // Both generated in one compilation: the built-in declaration as it is, and the one with the locals.
        var (output, _, _) = GeneratorHarness.Generate(GeneratorHarness.Compile(adafactor, declaration));
        var assembly = GeneratorHarness.Load(output);

        const int rows = 6, columns = 37;
        var random = new Random(3);
        float[] start = Enumerable.Range(0, rows * columns).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var builtInParameter = new Parameter<float>(start.ToArray(), [rows, columns], "w");
        var shadowedParameter = new Parameter<float>(start.ToArray(), [rows, columns], "w");
        Optimizer Create(string name, Parameter parameter) => (Optimizer)Activator.CreateInstance(
            assembly.GetType("ScratchOptim.Optimizers." + name)!, [new[] { parameter }, 0.01, -0.8, null, 1e-3, 1.0, 0.0, false])!;
        using var builtIn = Create("Adafactor", builtInParameter);
        using var shadowed = Create("ShadowedAdafactor", shadowedParameter);
        for (int step = 0; step < 3; step++)
        {
            float[] gradient = Enumerable.Range(0, rows * columns).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            builtInParameter.Grad = gradient.ToArray();
            shadowedParameter.Grad = gradient.ToArray();
            builtIn.Step();
            shadowed.Step();
            Assert.Equal(builtInParameter.Data.ToArray(), shadowedParameter.Data.ToArray());
        }
    }

    /// <summary>
    /// Found by reading FairseqAdafactor's generated code: a number divided by an element is a reciprocal times the number
    /// (as PyTorch computes it), and the scalar loop wrote the reciprocal as <c>T.One / x</c>, so as the right operand of a
    /// product it regrouped: <c>g * T.One / Sqrt(v)</c> is <c>(g * 1) / Sqrt(v)</c>, not <c>g * (1 / Sqrt(v))</c> as
    /// the vector loop computes it. The elements of the scalar tail then differed from the vector body's in the last bit.
    /// </summary>
    [Fact]
    public void A_reciprocal_right_of_a_product_rounds_alike_in_the_vector_body_and_the_scalar_tail()
    {
        var type = GeneratorHarness.Build("""
            [Optimizer(StepState = null)]
            public partial class Scaled
            {
                [Hyper(Min = 0)] double lr = 0.1;
                void Update(ref Element p, Element g, int t)
                {
                    p = p - lr * (g * (1 / Sqrt(g * g + 3)));
                }
            }
            """).GetType("Demo.Scaled")!;
        const int length = 3 * 16 + 7; // a vector body of three 64-byte vectors of floats, and a tail of 7
        var random = new Random(5);
        float[] start = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] gradient = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 10 - 5)).ToArray();
        var onVectors = new Parameter<float>(start.ToArray(), "onVectors");
        var inScalarForm = new Parameter<float>(start.ToArray(), "inScalarForm");
        using var vectorized = (Optimizer)Activator.CreateInstance(type, [new[] { onVectors }, 0.1])!;
        using var scalar = (Optimizer)Activator.CreateInstance(type, [new[] { inScalarForm }, 0.1])!;
        scalar.VectorWidth = Simd.SimdWidth.Scalar;
        onVectors.Grad = gradient.ToArray();
        inScalarForm.Grad = gradient.ToArray();
        vectorized.Step();
        scalar.Step();
        for (int i = 0; i < length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(onVectors.Data.Span[i]) == BitConverter.SingleToInt32Bits(inScalarForm.Data.Span[i]),
                $"element {i}: vector body {onVectors.Data.Span[i]:R}, scalar form {inScalarForm.Data.Span[i]:R}");
    }

    private static void AssertSurvives(string declaration, bool expectGenerated)
    {
        var (failure, generated) = MutantChecker.Check(GeneratorHarness.Usings + declaration);
        Assert.True(failure is null, failure);
        Assert.Equal(expectGenerated, generated);
    }
}
