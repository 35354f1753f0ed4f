using System;
using System.IO;
using System.Linq;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// What matrix declarations compute, run: each probe declaration is generated, compiled, loaded and stepped on small
/// integer matrices, whose products, sums and halves are exact in float, so the expected values (written out here as
/// plain loops over the declared algebra) must come out bit for bit. They pin down the schedule's semantics: a matrix
/// local read per element keeps the value of its place in the update, an element state used as a matrix is its new
/// value, matrix state persists between steps, transposes and flattening mean what they say.
/// </summary>
public class MatrixSemanticsTests
{
    [Fact]
    public void A_matrix_local_read_per_element_has_the_value_of_its_place_in_the_update()
    {
        var probe = Build("""
            [Optimizer(MinRank = 2, MaxRank = 2, Contraction = Contraction.Strict)]
            public partial class Probe
            {
                [Hyper] double scale = 1;
                [State(Shape = StateShape.ColumnByColumn)] Matrix gram;
                void Update(ref Element p, Element g, int t)
                {
                    Matrix x = g;
                    Element before = x;
                    gram = Transpose(g) * g;
                    x = x * gram;
                    Element after = x;
                    p = p + scale * before + after;
                }
            }
            """);
        double[,] p0 = { { 1, -2 }, { 0, 3 }, { 2, 1 } }, g = { { 1, 0 }, { -1, 2 }, { 2, -1 } };
        var (optimizer, parameter) = Create(probe, p0);
        Step(optimizer, parameter, g);
        var gram = Product(Transposed(g), g);
        AssertEqual(Add(Add(p0, g), Product(g, gram)), parameter);
        Assert.Equal(Flat(gram), optimizer.StateValues(parameter, "gram"));
    }

    [Fact]
    public void An_element_state_used_as_a_matrix_is_its_new_value_and_matrix_state_carries_over()
    {
        var probe = Build("""
            [Optimizer(MinRank = 2, MaxRank = 2, Contraction = Contraction.Strict)]
            public partial class Probe
            {
                [Hyper] double scale = 1;
                [State] Element m;
                [State(Shape = StateShape.RowByRow)] Matrix left;
                void Update(ref Element p, Element g, int t)
                {
                    m = m + g;
                    left = Lerp(left, m * Transpose(m), 0.5);
                    Element y = Transpose(left) * m;
                    p = p - scale * y;
                }
            }
            """);
        double[,] p = { { 1, -2 }, { 0, 3 }, { 2, 1 } };
        double[][,] gradients = [new double[,] { { 1, 0 }, { -1, 2 }, { 2, -1 } }, new double[,] { { 0, 1 }, { 2, -2 }, { 1, 1 } }];
        var (optimizer, parameter) = Create(probe, p);
        var m = new double[3, 2];
        var left = new double[3, 3];
        foreach (var g in gradients)
        {
            Step(optimizer, parameter, g);
            m = Add(m, g);
            left = Map(left, Product(m, Transposed(m)), (a, b) => (a + b) / 2);
            p = Map(p, Product(Transposed(left), m), (a, b) => a - b);
            AssertEqual(p, parameter);
        }
        Assert.Equal(Flat(left), optimizer.StateValues(parameter, "left"));
    }

    [Fact]
    public void Flatten_makes_one_row_of_the_elements_and_Unflatten_gives_the_matrix_back()
    {
        var probe = Build("""
            [Optimizer(MinRank = 2, MaxRank = 2, Contraction = Contraction.Strict)]
            public partial class Probe
            {
                [Hyper] double scale = 1;
                [State(Shape = StateShape.ElementByElement)] Matrix outer;
                void Update(ref Element p, Element g, int t)
                {
                    outer = Transpose(Flatten(g)) * Flatten(g);
                    Element projected = Unflatten(Flatten(g) * outer);
                    p = p + scale * projected;
                }
            }
            """);
        double[,] p0 = { { 1, -2, 0 }, { 3, 2, 1 } }, g = { { 1, 0, -1 }, { 2, -1, 1 } };
        var (optimizer, parameter) = Create(probe, p0);
        Step(optimizer, parameter, g);
        // vec(g)ᵀ · vec(g)·vec(g)ᵀ = ‖g‖² vec(g)ᵀ
        double squares = Flat(g).Sum(x => x * x);
        AssertEqual(Map(p0, g, (a, b) => a + squares * b), parameter);
        Assert.Equal(36, optimizer.StateValues(parameter, "outer").Length);
    }

    [Fact]
    public void Matrix_work_under_a_rank_guard_runs_for_matrices_only()
    {
        var probe = Build("""
            [Optimizer(Contraction = Contraction.Strict)]
            public partial class Probe
            {
                [Hyper] double scale = 1;
                void Update(ref Element p, Element g, int t)
                {
                    if (Rank(p) == 2)
                    {
                        Element product = g * Transpose(g) * g;
                        p = p - scale * product;
                    }
                    else
                    {
                        p = p - scale * g;
                    }
                }
            }
            """);
        double[,] p0 = { { 1, -2 }, { 0, 3 }, { 2, 1 } }, g = { { 1, 0 }, { -1, 2 }, { 2, -1 } };
        var (optimizer, matrix) = Create(probe, p0);
        Step(optimizer, matrix, g);
        AssertEqual(Map(p0, Product(Product(g, Transposed(g)), g), (a, b) => a - b), matrix);

        // The same 12 numbers as a vector and as a 3 × 2 × 2 tensor (rows 6 if it were read as a matrix): the element branch.
        float[] start = Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), gradient = Enumerable.Range(0, 12).Select(i => (float)(i % 5 - 2)).ToArray();
        foreach (int[] shape in new[] { new[] { 12 }, new[] { 3, 2, 2 } })
        {
            var tensor = new Parameter<float>(start.ToArray(), shape, "w") { Grad = gradient.ToArray() };
            var other = (Optimizer)probe.GetConstructors().Single().Invoke([new Parameter[] { tensor }, 1.0]);
            other.Step();
            Assert.Equal(start.Zip(gradient, (a, b) => a - b), tensor.Data.ToArray());
        }
    }

    [Fact]
    public void The_generated_kernel_shows_the_matrix_phase_between_its_element_phases()
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + """
            [Optimizer(MinRank = 2, MaxRank = 2)]
            public partial class Probe
            {
                [Hyper] double lr = 0.1;
                [State] Element buffer;
                void Update(ref Element p, Element g, int t)
                {
                    buffer = Lerp(buffer, g, 0.1);
                    Element update = Orthogonalize(buffer, 5, 3.4445, -4.775, 2.0315, 1e-7, MatrixNormalization.ClampedNorm, MatrixPrecision.BFloat16);
                    p = p - lr * update;
                }
            }
            """);
        var source = GeneratorHarness.Generate(compilation).Run.GeneratedSources.Single(s => s.HintName == "Demo.Probe.g.cs").SourceText.ToString();
        // The kernel's pieces: host segment 1 (after phase 1) orthogonalizes the matrix phase 1 stored; phase 2 reads the result.
        int afterFirst = source.IndexOf("case 1:", source.IndexOf("public void Host(", StringComparison.Ordinal), StringComparison.Ordinal);
        int work = source.IndexOf("matrices.Orthogonalize(bufferMatrix", StringComparison.Ordinal);
        int first = source.IndexOf("// Phase 1 of 2", StringComparison.Ordinal);
        int second = source.IndexOf("// Phase 2 of 2", StringComparison.Ordinal);
        Assert.True(afterFirst > 0 && work > afterFirst && first > work && second > first, "host segment 1 orthogonalizes, then come the phases");
        Assert.Contains("// After phase 1: the matrix work, on whole matrices with ScratchOptim.LinearAlgebra.", source[afterFirst..work]);
        Assert.Contains("TVector.Store(", source[first..second]);
        Assert.Contains("global::ScratchOptim.LinearAlgebra.NewtonSchulzPrecision.BFloat16", source);
    }

    [Fact]
    public void A_product_with_a_transpose_passes_the_transpose_to_BLAS_and_reads_the_gradient_in_place()
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + """
            [Optimizer(MaxRank = 2)]
            public partial class Probe
            {
                [Hyper] double lr = 0.1;
                [State(Shape = StateShape.RowByRow)] Matrix statistics;
                void Update(ref Element p, Element g, int t)
                {
                    statistics = Lerp(statistics, g * Transpose(g), 0.05);
                    p = p - lr * g;
                }
            }
            """);
        var source = GeneratorHarness.Generate(compilation).Run.GeneratedSources.Single(s => s.HintName == "Demo.Probe.g.cs").SourceText.ToString();
        Assert.Contains("var gMatrix = global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref gRef, length);", source);
        Assert.Contains("matrices.Multiply(global::ScratchOptim.LinearAlgebra.Transpose.None, global::ScratchOptim.LinearAlgebra.Transpose.Transposed, rows, rows, columns, gMatrix, gMatrix,", source);
        Assert.DoesNotContain("matrices.Transpose(", source);
        Assert.DoesNotContain("// Phase 2", source);
    }

    private static Type Build(string declaration)
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + declaration);
        Assert.Empty(GeneratorHarness.Analyze(compilation));
        var (output, run, _) = GeneratorHarness.Generate(compilation);
        Assert.Empty(run.Diagnostics);
        using var stream = new MemoryStream();
        var emitted = output.Emit(stream);
        Assert.True(emitted.Success, GeneratorHarness.Describe(emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        return new AssemblyLoadContext("probe", isCollectible: true).LoadFromStream(stream).GetType("Demo.Probe")!;
    }

    private static (Optimizer Optimizer, Parameter<float> Parameter) Create(Type probe, double[,] start)
    {
        var parameter = new Parameter<float>(Flat(start).Select(x => (float)x).ToArray(), [start.GetLength(0), start.GetLength(1)], "w");
        var optimizer = (Optimizer)probe.GetConstructors().Single().Invoke([new Parameter[] { parameter }, 1.0]);
        return (optimizer, parameter);
    }

    private static void Step(Optimizer optimizer, Parameter<float> parameter, double[,] gradient)
    {
        parameter.Grad = Flat(gradient).Select(x => (float)x).ToArray();
        optimizer.Step();
    }

    private static void AssertEqual(double[,] expected, Parameter<float> actual) =>
        Assert.Equal(Flat(expected), actual.Data.ToArray().Select(x => (double)x));

    private static double[] Flat(double[,] m) => m.Cast<double>().ToArray();

    private static double[,] Transposed(double[,] m)
    {
        var t = new double[m.GetLength(1), m.GetLength(0)];
        for (int i = 0; i < m.GetLength(0); i++)
            for (int j = 0; j < m.GetLength(1); j++)
                t[j, i] = m[i, j];
        return t;
    }

    private static double[,] Product(double[,] a, double[,] b)
    {
        var c = new double[a.GetLength(0), b.GetLength(1)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < b.GetLength(1); j++)
                for (int k = 0; k < a.GetLength(1); k++)
                    c[i, j] += a[i, k] * b[k, j];
        return c;
    }

    private static double[,] Add(double[,] a, double[,] b) => Map(a, b, (x, y) => x + y);

    private static double[,] Map(double[,] a, double[,] b, Func<double, double, double> f)
    {
        var c = new double[a.GetLength(0), a.GetLength(1)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                c[i, j] = f(a[i, j], b[i, j]);
        return c;
    }
}
