using System;
using System.IO;
using System.Linq;
using ScratchOptim.Dsl;
using ScratchOptim.LinearAlgebra;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// What the matrix optimizers (Muon, MuonWithAuxAdam, SOAP) do beyond their reference cases: the parameters they take,
/// the span kernel, saved state with matrices in it, the state they allocate, and MuonParameters' split.
/// </summary>
public class MatrixOptimizerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Muon_refuses_a_parameter_that_is_not_a_matrix_when_it_is_added(int rank)
    {
        var shape = Enumerable.Repeat(2, rank).ToArray();
        var parameter = new Parameter<float>(new float[1 << rank], shape, "w");
        var exception = Assert.Throws<ArgumentException>(() => new Muon([parameter]));
        Assert.Contains("Muon takes 2-D parameters", exception.Message);
        Assert.Contains(rank == 1 ? "has 1 dimension." : $"has {rank} dimensions.", exception.Message);

        var muon = new Muon([Matrix(2, 3, "ok")]);
        Assert.Throws<ArgumentException>(() => muon.AddParamGroup([parameter]));
        Assert.Single(muon.ParamGroups);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void MuonWithAuxAdam_refuses_a_Muon_step_of_a_parameter_that_is_not_a_matrix_before_writing_anything(int rank)
    {
        // The authors' zeropower_via_newtonschulz5 asserts G.ndim >= 2; a vector or a scalar belongs in an Adam group.
        var shape = Enumerable.Repeat(5, rank).ToArray();
        var matrix = Matrix(3, 4, "w");
        var vector = new Parameter<float>(Gradient(rank == 0 ? 1 : 5, 3), shape, "b");
        float[] matrixBefore = matrix.Data.ToArray(), vectorBefore = vector.Data.ToArray();
        var optimizer = new MuonWithAuxAdam([matrix, vector], useMuon: true);
        matrix.Grad = Gradient(12, 1);
        vector.Grad = Gradient(vector.Length, 2);

        var exception = Assert.Throws<InvalidOperationException>(optimizer.Step);
        Assert.Contains("a Muon group (useMuon) takes 2-D parameters", exception.Message);
        Assert.Contains($"parameter '{vector}', group 0, index 1", exception.Message);
        Assert.Equal(matrixBefore, matrix.Data.ToArray());
        Assert.Equal(vectorBefore, vector.Data.ToArray());
        Assert.Equal(0, optimizer.StepCount(matrix));

        // An Adam group takes it; switching that group to Muon steps is refused the same way, before anything changes.
        var adam = new MuonWithAuxAdam([matrix], useMuon: true);
        adam.AddParamGroup([vector], group => group.UseMuon = false);
        adam.Step();
        Assert.NotEqual(vectorBefore, vector.Data.ToArray());
        Assert.Equal(1, adam.StepCount(vector));
        adam.ParamGroups[1].Hyper.UseMuon = true;
        float[] afterOne = matrix.Data.ToArray();
        Assert.Throws<InvalidOperationException>(adam.Step);
        Assert.Equal(afterOne, matrix.Data.ToArray());
        Assert.Equal(1, adam.StepCount(matrix));
    }

    [Fact]
    public void The_span_kernel_computes_what_Step_computes()
    {
        var stepped = Matrix(5, 7, "w");
        var muon = new Muon([stepped], lr: 0.02, weightDecay: 0.01);
        float[] p = stepped.Data.ToArray(), buffer = new float[35];
        var matrices = new MatrixWorkspace<float>();
        var hyper = muon.ParamGroups[0].Hyper;
        for (int t = 1; t <= 4; t++)
        {
            float[] g = Gradient(35, t);
            stepped.Grad = (float[])g.Clone();
            muon.Step();
            Muon.Apply<float>(hyper, t, [5, 7], p, g, buffer, matrices);
            Assert.Equal(stepped.Data.ToArray(), p);
            Assert.Equal(muon.State<float>(stepped, "momentumBuffer").ToArray(), buffer);
        }
        Assert.Throws<ArgumentNullException>(() => Muon.Apply<float>(hyper, 5, [5, 7], p, Gradient(35, 5), buffer, null!));
        Assert.Throws<ArgumentException>(() => Muon.Apply<float>(hyper, 5, [5, 7], p, Gradient(35, 5), new float[34], matrices));
    }

    [Fact]
    public void Float_and_double_matrices_step_in_one_optimizer_each_in_its_own_type()
    {
        var single = Matrix(4, 6, "single");
        var real = new Parameter<double>(single.Data.ToArray().Select(x => (double)x).ToArray(), [4, 6], "real");
        var muon = new Muon([single, real], lr: 0.05);
        muon.GroupHyperparameters(0).Set("ns_precision", "Element");
        for (int t = 1; t <= 3; t++)
        {
            single.Grad = Gradient(24, t);
            real.Grad = Gradient(24, t).Select(x => (double)x).ToArray();
            muon.Step();
        }
        // float64 Newton–Schulz for the double matrix, float32 for the float one: close, not equal.
        var difference = single.Data.ToArray().Zip(real.Data.ToArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(difference, 1e-9, 1e-4);
        Assert.Equal(24, muon.State<double>(real, "momentum_buffer").Length);
    }

    [Theory]
    [InlineData("Muon")]
    [InlineData("SOAP")]
    public void A_run_resumed_from_saved_state_continues_bit_for_bit_with_its_matrices(string name)
    {
        Parameter<float>[] NewParameters() => [Matrix(5, 7, "w"), Matrix(6, 3, "v")];
        var uninterrupted = NewParameters();
        var original = Catalog.Find(name)!.Create(uninterrupted);
        if (name == "SOAP") original.GroupHyperparameters(0).Set("precondition_frequency", 2);
        for (int t = 1; t <= 5; t++) Step(original, uninterrupted, t);
        using var saved = new MemoryStream();
        original.SaveState(saved);

        var resumedParameters = NewParameters();
        for (int i = 0; i < resumedParameters.Length; i++) uninterrupted[i].Data.CopyTo(resumedParameters[i].Data);
        var resumed = Catalog.Find(name)!.Create(resumedParameters);
        saved.Position = 0;
        resumed.LoadState(saved);
        if (name == "SOAP") resumed.GroupHyperparameters(0).Set("precondition_frequency", 2);
        for (int t = 6; t <= 9; t++)
        {
            Step(original, uninterrupted, t);
            Step(resumed, resumedParameters, t);
        }
        for (int i = 0; i < uninterrupted.Length; i++)
            Assert.Equal(uninterrupted[i].Data.ToArray(), resumedParameters[i].Data.ToArray());
    }

    [Fact]
    public void SOAP_allocates_a_preconditioner_only_for_the_sides_it_preconditions()
    {
        var vector = new Parameter<float>(Gradient(37, 9), "bias");
        var wide = Matrix(6, 9, "wide");
        var soap = new SOAP([vector, wide], maxPrecondDim: 6);
        for (int t = 1; t <= 3; t++)
        {
            vector.Grad = Gradient(37, t);
            wide.Grad = Gradient(54, t + 10);
            soap.Step();
        }
        // The vector is not preconditioned (precondition1d is off); the wide matrix only on its 6 rows (9 > maxPrecondDim).
        foreach (string state in new[] { "left", "right", "merged", "leftBasis", "rightBasis", "mergedBasis" })
            Assert.Empty(soap.StateValues(vector, state));
        Assert.Equal(36, soap.StateValues(wide, "left").Length);
        Assert.Equal(36, soap.StateValues(wide, "leftBasis").Length);
        Assert.Empty(soap.StateValues(wide, "right"));
        Assert.Equal(StateLayout.RowByRow, soap.Info.States.Single(s => s.Name == "left").Layout);
        Assert.Equal(StateLayout.ElementByElement, soap.Info.States.Single(s => s.Name == "merged").Layout);
    }

    [Fact]
    public void SOAP_only_builds_its_preconditioner_on_the_first_step_and_keeps_orthonormal_bases()
    {
        var w = Matrix(5, 7, "w");
        float[] start = w.Data.ToArray();
        var soap = new SOAP([w], preconditionFrequency: 2);
        w.Grad = Gradient(35, 1);
        soap.Step();
        Assert.Equal(start, w.Data.ToArray());
        for (int t = 2; t <= 6; t++)
        {
            w.Grad = Gradient(35, t);
            soap.Step();
        }
        Assert.NotEqual(start, w.Data.ToArray());
        foreach (var (basis, n) in new[] { ("leftBasis", 5), ("rightBasis", 7) })
        {
            double[] q = soap.StateValues(w, basis);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double dot = Enumerable.Range(0, n).Sum(k => q[k * n + i] * q[k * n + j]);
                    Assert.True(Math.Abs(dot - (i == j ? 1 : 0)) < 1e-5, $"{basis}: columns {i} and {j} have dot product {dot}");
                }
        }
    }

    /// <summary>SOAP computes in the parameter's type: a float64 weight gets bases orthonormal to float64 rounding, which float32 bases are not.</summary>
    [Fact]
    public void SOAP_on_a_double_matrix_keeps_double_precision_orthonormal_bases()
    {
        double[] Doubles(int length, int seed) => Array.ConvertAll(Gradient(length, seed), x => (double)x);
        var w = new Parameter<double>(Doubles(35, 42), [5, 7], "w");
        var soap = new SOAP([w], preconditionFrequency: 2);
        for (int t = 1; t <= 6; t++)
        {
            w.Grad = Doubles(35, t);
            soap.Step();
        }
        foreach (var (basis, n) in new[] { ("leftBasis", 5), ("rightBasis", 7) })
        {
            double[] q = soap.StateValues(w, basis);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double dot = Enumerable.Range(0, n).Sum(k => q[k * n + i] * q[k * n + j]);
                    Assert.True(Math.Abs(dot - (i == j ? 1 : 0)) < 1e-12, $"{basis}: columns {i} and {j} have dot product {dot}");
                }
        }
        Assert.All(w.Data.ToArray(), x => Assert.True(double.IsFinite(x)));
    }

    [Fact]
    public void Split_gives_Muon_the_hidden_matrices_and_AdamW_the_rest()
    {
        var embedding = Matrix(10, 4, "transformer.wte.weight");
        var hidden = Matrix(4, 4, "transformer.h.0.mlp.c_fc.weight");
        var bias = new Parameter<float>(new float[4], "transformer.h.0.mlp.c_fc.bias");
        var head = Matrix(4, 10, "lm_head.weight");
        var filter = new Parameter<float>(new float[8], [2, 2, 2], "conv.weight");
        var unnamed = Matrix(3, 3, null!);
        var (muon, adamW) = MuonParameters.Split([embedding, hidden, bias, head, filter, unnamed]);
        Assert.Equal([hidden, unnamed], muon);
        Assert.Equal([embedding, bias, head, filter], adamW);

        var (all, none) = MuonParameters.Split([embedding, hidden], _ => false);
        Assert.Equal([embedding, hidden], all);
        Assert.Empty(none);
        Assert.Throws<ArgumentNullException>(() => MuonParameters.Split(null!));
        Assert.Throws<ArgumentNullException>(() => MuonParameters.Split([hidden, null!]));
        Assert.True(MuonParameters.IsEmbeddingOrOutputByName(Matrix(2, 2, "model.embed_tokens.weight")));
        Assert.True(MuonParameters.IsEmbeddingOrOutputByName(Matrix(2, 2, "Classifier.weight")));
        Assert.False(MuonParameters.IsEmbeddingOrOutputByName(Matrix(2, 2, "attention.heads.weight")));
    }

    [Fact]
    public void CreateWithAuxAdam_builds_the_authors_two_groups()
    {
        var hidden = Matrix(4, 4, "h.0.weight");
        var bias = new Parameter<float>(new float[4], "h.0.bias");
        var optimizer = MuonParameters.CreateWithAuxAdam([hidden, bias], muonLr: 0.05, adamLr: 1e-3, weightDecay: 0.01);
        Assert.Equal(2, optimizer.GroupCount);
        Assert.Equal([hidden], optimizer.GroupParameters(0));
        Assert.Equal([bias], optimizer.GroupParameters(1));
        Assert.Equal((true, 0.05), (optimizer.ParamGroups[0].Hyper.UseMuon, optimizer.ParamGroups[0].Hyper.Lr!.Value));
        Assert.Equal((false, 1e-3), (optimizer.ParamGroups[1].Hyper.UseMuon, optimizer.ParamGroups[1].Hyper.Lr!.Value));
        Assert.All(optimizer.ParamGroups, group => Assert.Equal(0.01, group.Hyper.WeightDecay));
        hidden.Grad = Gradient(16, 1);
        bias.Grad = Gradient(4, 2);
        optimizer.Step();
        Assert.Equal(16, optimizer.StateValues(hidden, "momentum_buffer").Length);
        Assert.Empty(optimizer.StateValues(hidden, "exp_avg"));
        Assert.Equal([1.0], optimizer.StateValues(bias, "step"));

        var onlyAdam = MuonParameters.CreateWithAuxAdam([bias]);
        Assert.False(onlyAdam.ParamGroups.Single().Hyper.UseMuon);
        Assert.Throws<ArgumentException>(() => MuonParameters.CreateWithAuxAdam([]));
    }

    [Fact]
    public void CreateWithAuxAdam_gives_a_convolution_filter_Adam_steps_as_the_authors_Adam_group_takes_any_rank()
    {
        // Adam is element-wise: a 4-D filter in the Adam group steps as the same values held as a vector would.
        var hidden = Matrix(4, 4, "h.0.weight");
        var filter = new Parameter<float>(Gradient(2 * 3 * 3 * 3, 5), [2, 3, 3, 3], "conv.weight");
        var flat = new Parameter<float>(filter.Data.ToArray(), "flat");
        var optimizer = MuonParameters.CreateWithAuxAdam([hidden, filter], adamLr: 1e-2);
        var reference = new MuonWithAuxAdam([flat], useMuon: false, lr: 1e-2);
        Assert.Equal([filter], optimizer.GroupParameters(1));
        for (int step = 1; step <= 3; step++)
        {
            hidden.Grad = Gradient(16, step);
            filter.Grad = Gradient(filter.Length, 10 + step);
            flat.Grad = filter.Grad.Value.ToArray();
            optimizer.Step();
            reference.Step();
        }
        Assert.Equal(flat.Data.ToArray(), filter.Data.ToArray());
        Assert.NotEqual(Gradient(filter.Length, 5), filter.Data.ToArray());

        // A Muon group still takes matrices only.
        var muonFilter = new MuonWithAuxAdam([new Parameter<float>(new float[54], [2, 3, 3, 3], "conv.weight") { Grad = new float[54] }], useMuon: true);
        Assert.Contains("takes 2-D parameters", Assert.Throws<InvalidOperationException>(muonFilter.Step).Message);
    }

    [Fact]
    public void The_matrix_operations_are_documented_as_declared()
    {
        Assert.Equal(["Orthogonalize(direction, nsSteps, nsA, nsB, nsC, eps, MatrixNormalization.ClampedNorm, nsPrecision)"], Muon.Documentation.MatrixOperations);
        Assert.Contains("Transpose(leftBasis) * projected", SOAP.Documentation.MatrixOperations);
        Assert.Empty(Adam.Documentation.MatrixOperations);
        Assert.Equal("2-D", Muon.Documentation.Ranks);
        Assert.Equal("up to 2-D", SOAP.Documentation.Ranks);
    }

    private static void Step(Optimizer optimizer, Parameter<float>[] parameters, int t)
    {
        foreach (var parameter in parameters) parameter.Grad = Gradient(parameter.Length, t * 31 + parameter.Length);
        optimizer.Step();
    }

    /// <summary>
    /// MARS takes any rank and orthogonalizes only matrices in its Shampoo form: its first step on a 128 × 128 matrix makes
    /// the states its form needs and nothing the size of the matrix beyond them (in the AdamW form no work matrix for
    /// the Newton–Schulz it never runs), while the Shampoo form does make them.
    /// </summary>
    [Theory]
    [InlineData(MarsType.AdamW, 3)]   // m, v, lastGrad
    [InlineData(MarsType.Lion, 2)]    // m, lastGrad
    public void MARS_makes_no_work_matrix_for_a_form_that_does_no_matrix_work(MarsType form, int states)
    {
        // The state lives in native memory, the matrix work's matrices on the managed heap: the first step's managed
        // bytes are the work matrices, and the state is counted by its buffers.
        const int Side = 128, Bytes = Side * Side * sizeof(float);
        (long Managed, int States) FirstStep(MarsType type)
        {
            var weight = Matrix(Side, Side, "w");
            weight.Grad = Gradient(Side * Side, 3);
            using var mars = new MARS([weight], marsType: type);
            long before = GC.GetAllocatedBytesForCurrentThread();
            mars.Step();
            long managed = GC.GetAllocatedBytesForCurrentThread() - before;
            return (managed, mars.Info.States.Count(state => mars.StateValues(weight, state.Name).Length == Side * Side));
        }
        FirstStep(form); // the first optimizer of the process also makes what every later one shares
        var plain = FirstStep(form);
        Assert.Equal(states, plain.States);
        Assert.InRange(plain.Managed, 0, Bytes / 2);
        // The momentum to orthogonalize and its result (and the solver's own work matrices).
        Assert.True(FirstStep(MarsType.Shampoo).Managed >= 2 * Bytes);
    }

    /// <summary>
    /// A preconditioner over a side of 46,341 or more (rows, columns or, merged, elements) holds more values than a buffer
    /// can (46,341² > int.MaxValue). With maxPrecondDim raised that far, the step must say so before anything changes,
    /// not fail at the allocation with a negative length after the step counts moved.
    /// </summary>
    [Theory]
    [InlineData(46341, 1, false, "state 'left' (GG[0]) would be a 46341 × 46341 matrix (rows × rows), 2147488281 values")]
    [InlineData(1, 46341, false, "state 'right' (GG[1]) would be a 46341 × 46341 matrix (columns × columns), 2147488281 values")]
    [InlineData(300, 200, true, "state 'merged' (GG[merged]) would be a 60000 × 60000 matrix (elements × elements), 3600000000 values")]
    public void SOAP_refuses_a_preconditioner_larger_than_a_buffer_before_anything_changes(int rows, int columns, bool mergeDims, string reason)
    {
        var small = Matrix(3, 2, "small");
        var large = Matrix(rows, columns, "large");
        small.Grad = Gradient(6, 1);
        large.Grad = Gradient(rows * columns, 2);
        float[] before = small.Data.ToArray();
        var soap = new SOAP([small, large], maxPrecondDim: 100_000, mergeDims: mergeDims);

        var exception = Assert.Throws<InvalidOperationException>(soap.Step);

        Assert.Contains($"SOAP: {reason}; a state buffer holds at most 2147483647 (parameter 'large[{rows}x{columns}]', group 0, index 1). Nothing was updated.", exception.Message);
        Assert.Equal(0, soap.StepCount(small));
        Assert.Equal(0, soap.StepCount(large));
        Assert.Equal(before, small.Data.ToArray());
        Assert.Empty(soap.StateValues(small, "left"));
        // Within the default maxPrecondDim the large side is not preconditioned, and the step runs.
        soap.ParamGroups[0].Hyper.MaxPrecondDim = 10_000;
        soap.Step();
        Assert.Equal(1, soap.StepCount(large));
    }

    /// <summary>
    /// The merged preconditioner of a 256 × 256 matrix would be 65,536² values, which an int does not count: it is never
    /// allocated without mergeDims, and loading one is an argument or data error that says how many values it needs.
    /// </summary>
    [Fact]
    public void A_matrix_state_too_large_for_a_buffer_is_counted_without_overflow_when_state_is_loaded()
    {
        var weight = Matrix(256, 256, "w");
        weight.Grad = Gradient(256 * 256, 1);
        var soap = new SOAP([weight]);
        soap.Step();
        soap.Step();
        float[] momentum = soap.State<float>(weight, "exp_avg").ToArray();

        var loaded = Assert.Throws<ArgumentException>(() => soap.LoadState<float>(weight, "GG[merged]", new float[4], 7));
        Assert.Contains("state 'GG[merged]' of parameter 'w[256x256]' needs 4294967296 values; got 4", loaded.Message);
        var buffers = new Array?[soap.Info.States.Count];
        buffers[soap.Info.States.ToList().FindIndex(s => s.Name == "merged")] = new float[4];
        var restored = Assert.Throws<ArgumentException>(() => soap.RestoreState(weight, 7, buffers));
        Assert.Contains("state 'GG[merged]' of parameter 'w[256x256]' needs 4294967296 values; got 4", restored.Message);

        using var saved = new MemoryStream();
        soap.SaveState(saved);
        var json = System.Text.Json.Nodes.JsonNode.Parse(saved.ToArray())!;
        json["groups"]![0]!["parameters"]![0]!["state"]!["GG[merged]"] = new System.Text.Json.Nodes.JsonArray(0.5, 0.25);
        var file = Assert.Throws<InvalidDataException>(() => soap.LoadState(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()))));
        Assert.Contains("group 0, parameter 0 ('w[256x256]'): state 'GG[merged]' has 2 values; it needs 4294967296", file.Message);

        Assert.Equal(2, soap.StepCount(weight));
        Assert.Equal(momentum, soap.State<float>(weight, "exp_avg").ToArray());
        Assert.Empty(soap.StateValues(weight, "merged"));
    }

    /// <summary>The span kernel counts a matrix state's elements without overflow: 65,536² wrapped to 0 let an empty buffer through.</summary>
    [Fact]
    public void The_span_kernel_refuses_a_matrix_state_whose_size_overflows_an_int()
    {
        const int Rows = 65536;
        var hyper = new SOAP([Matrix(2, 2, "unused")], maxPrecondDim: 100_000).ParamGroups[0].Hyper;
        float[] p = new float[Rows], g = Gradient(Rows, 1), m = new float[Rows], v = new float[Rows];
        double adamSteps = 0;

        var exception = Assert.Throws<ArgumentException>(() => SOAP.Apply<float>(hyper, 1, [Rows, 1], p, g, ref adamSteps, m, v,
            left: [], right: new float[1], merged: [], leftBasis: [], rightBasis: new float[1], mergedBasis: [], new MatrixWorkspace<float>()));

        Assert.Contains("SOAP: 'left' has 0 elements; it must hold a 65536 × 65536 matrix, 4294967296 elements. Nothing was updated.", exception.Message);
        Assert.All(p, value => Assert.Equal(0f, value));
        Assert.Equal(0, adamSteps);
    }

    private static Parameter<float> Matrix(int rows, int columns, string name) =>
        new(Gradient(rows * columns, rows * 7 + columns), [rows, columns], name);

    private static float[] Gradient(int length, int seed) =>
        Enumerable.Range(0, length).Select(i => MathF.Sin(seed * 1.37f + i * 0.61f) * (1 + (i % 3))).ToArray();
}
