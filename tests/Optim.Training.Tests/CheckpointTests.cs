using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Training.Tests;

/// <summary>
/// A checkpoint resumes a run exactly (optimizer, schedule, clipping, averaging), matches everything by name, and
/// refuses a file that does not fit, saying what and where, before anything changes.
/// </summary>
public class CheckpointTests
{
    /// <summary>
    /// A small training run: two float parameters in two AdamW groups (the bias without weight decay), a double
    /// parameter in a third, linear warmup then cosine, global-norm clipping and an EMA of the weights. The gradient
    /// depends on the parameters, so any state restored wrongly shows in the later steps.
    /// </summary>
    private sealed class Run
    {
        public Run(bool swapped = false)
        {
            Weight = new Parameter<float>(Enumerable.Range(0, 12).Select(i => 0.1f * i - 0.5f).ToArray(), [3, 4], "layer.weight");
            Bias = new Parameter<float>(new float[] { 0.25f, -0.5f, 0.75f, -1f }, "layer.bias");
            Scale = new Parameter<double>(new double[] { 1.5, -0.25 }, "scale");
            // Swapped: the same parameters, the bias in group 0 and the weight in group 1.
            var (first, second) = swapped ? (Bias, Weight) : (Weight, Bias);
            Optimizer = new AdamW(new ParameterGroups
            {
                { [first], ("weight_decay", swapped ? 0.0 : 0.1) },
                { [second], ("weight_decay", swapped ? 0.1 : 0.0) },
                { [Scale], ("lr", 0.05) },
            }, lr: 0.02);
            Schedule = LRSchedules.LinearWarmupCosine(Optimizer, warmupSteps: 5, totalSteps: 40, minLr: 1e-4);
            Average = AveragedModel.ExponentialMovingAverage([Weight, Bias, Scale], decay: 0.9);
            Checkpoint = new Checkpoint(swapped ? [Scale, Bias, Weight] : [Weight, Bias, Scale], Optimizer, [Schedule], Average);
        }

        public Parameter<float> Weight { get; }

        public Parameter<float> Bias { get; }

        public Parameter<double> Scale { get; }

        public AdamW Optimizer { get; }

        public SequentialLR Schedule { get; }

        public AveragedModel Average { get; }

        public Checkpoint Checkpoint { get; }

        public void Train(int steps)
        {
            for (int s = 0; s < steps; s++)
            {
                Weight.Grad = Weight.Data.ToArray().Select((p, i) => MathF.Sin(3 * p + i) + 0.01f * i).ToArray();
                Bias.Grad = Bias.Data.ToArray().Select((p, i) => 2 * p - 0.3f * i).ToArray();
                Scale.Grad = Scale.Data.ToArray().Select(p => Math.Cos(p)).ToArray();
                GradientClipping.ClipGradNorm(Optimizer.Parameters, maxNorm: 1.0);
                Optimizer.Step();
                Schedule.Step();
                Average.Update();
            }
        }

        /// <summary>Everything a resumed run depends on, as text that compares exactly (floats by their bits).</summary>
        public string Snapshot()
        {
            var lines = new List<string>();
            foreach (var parameter in new Parameter[] { Weight, Bias, Scale })
            {
                lines.Add($"{parameter.Name} = {Bits(parameter)}; steps {Optimizer.StepCount(parameter)}");
                foreach (var state in Optimizer.Info.States)
                {
                    lines.Add(parameter is Parameter<float>
                        ? $"  {state.TorchName} = {Bits(Optimizer.State<float>(parameter, state.TorchName))}"
                        : $"  {state.TorchName} = {Bits(Optimizer.State<double>(parameter, state.TorchName))}");
                }
                lines.Add(parameter is Parameter<float> ? $"  average = {Bits(Average.Average<float>(parameter))}" : $"  average = {Bits(Average.Average<double>(parameter))}");
            }
            for (int g = 0; g < Optimizer.GroupCount; g++)
            {
                var settings = Optimizer.GroupHyperparameters(g);
                lines.Add($"group {g}: " + string.Join(", ", Optimizer.Info.Hyperparameters.Select(h => $"{h.Name}={Format(settings.Get(h.Name))}"))
                    + "; " + string.Join(", ", Optimizer.ScheduleValues(g).Select(kv => $"{kv.Key}={Format(kv.Value)}")));
            }
            lines.Add("schedule " + Schedule.StateDict().ToJsonString());
            lines.Add($"averaged {Average.Count}");
            lines.Add("metadata " + string.Join(", ", Checkpoint.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")));
            return string.Join("\n", lines);
        }

        private static string Bits(Parameter parameter) => parameter switch
        {
            Parameter<float> single => Bits(single.Data.Span),
            Parameter<double> real => Bits(real.Data.Span),
            _ => throw new InvalidOperationException(),
        };

        private static string Bits(ReadOnlySpan<float> values) => string.Join(" ", values.ToArray().Select(v => BitConverter.SingleToInt32Bits(v).ToString("x8")));

        private static string Bits(ReadOnlySpan<double> values) => string.Join(" ", values.ToArray().Select(v => BitConverter.DoubleToInt64Bits(v).ToString("x16")));

        private static string Format(object? value) => value is double d ? BitConverter.DoubleToInt64Bits(d).ToString("x16") : value?.ToString() ?? "null";
    }

    [Fact]
    public void A_run_resumed_from_a_checkpoint_equals_the_uninterrupted_run_bit_for_bit()
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.safetensors");
        var uninterrupted = new Run();
        uninterrupted.Train(30);

        var first = new Run();
        first.Train(12);
        first.Checkpoint.Metadata["epoch"] = "3";
        first.Checkpoint.Save(path);
        string atSave = first.Snapshot();

        var resumed = new Run();
        resumed.Checkpoint.Load(path);
        Assert.Equal(atSave, resumed.Snapshot());
        resumed.Train(18);

        Assert.Equal(uninterrupted.Snapshot().Replace("metadata ", "metadata epoch=3", StringComparison.Ordinal), resumed.Snapshot());
        Assert.NotEqual(atSave, resumed.Snapshot());
    }

    /// <summary>
    /// SOAP keeps a preconditioner over all the elements of a matrix only with mergeDims; for a 256 × 256 layer it would be
    /// 65,536² values, which an int does not count. The checkpoint of such a layer, whose merged preconditioner was never
    /// allocated, saves, loads, and resumes the run bit for bit.
    /// </summary>
    [Fact]
    public void A_SOAP_checkpoint_of_a_layer_whose_unused_preconditioner_is_too_large_to_count_resumes_bit_for_bit()
    {
        using var directory = new TempDirectory();
        string path = directory.File("soap.safetensors");
        static (Parameter<float> Weight, SOAP Optimizer) NewRun()
        {
            var weight = new Parameter<float>(Enumerable.Range(0, 256 * 256).Select(i => MathF.Cos(0.37f * i)).ToArray(), [256, 256], "layer.weight");
            return (weight, new SOAP([weight], preconditionFrequency: 2));
        }
        static void Train(Parameter<float> weight, SOAP optimizer, int steps)
        {
            for (int s = 0; s < steps; s++)
            {
                weight.Grad = weight.Data.ToArray().Select((p, i) => MathF.Sin(3 * p + 0.01f * i)).ToArray();
                optimizer.Step();
            }
        }

        var (uninterrupted, optimizer) = NewRun();
        Train(uninterrupted, optimizer, 3);
        new Checkpoint(optimizer).Save(path);
        Train(uninterrupted, optimizer, 2);

        var (resumed, resumedOptimizer) = NewRun();
        new Checkpoint(resumedOptimizer).Load(path);
        Assert.Equal(3, resumedOptimizer.StepCount(resumed));
        Assert.Empty(resumedOptimizer.StateValues(resumed, "merged"));
        Train(resumed, resumedOptimizer, 2);
        Assert.Equal(uninterrupted.Data.ToArray(), resumed.Data.ToArray());
    }

    [Fact]
    public void A_checkpoint_loads_by_name_into_a_model_and_groups_listed_in_another_order()
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.safetensors");
        var uninterrupted = new Run();
        uninterrupted.Train(20);
        var first = new Run();
        first.Train(8);
        first.Checkpoint.Save(path);

        // Groups 0 and 1 are swapped: the file's group 0 (the weight) is group 1 here. Groups are matched by position,
        // so this must be refused, naming what moved.
        var swapped = new Run(swapped: true);
        var error = Assert.Throws<InvalidDataException>(() => swapped.Checkpoint.Load(path));
        Assert.Contains("parameter group 0 held 'layer.weight' when it was saved; 'layer.bias' is in it now but not in the file; 'layer.weight' is in the file but not in it now", error.Message);

        // The model listed in another order (names decide, not positions).
        var reordered = new Run();
        var checkpoint = new Checkpoint([reordered.Scale, reordered.Bias, reordered.Weight], reordered.Optimizer, [reordered.Schedule], reordered.Average);
        checkpoint.Load(path);
        reordered.Train(12);
        Assert.Equal(uninterrupted.Snapshot(), reordered.Snapshot());
    }

    [Fact]
    public void The_file_is_safetensors_with_the_documented_names_and_within_five_percent_of_the_raw_bytes()
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.safetensors");
        var run = new Run();
        run.Train(3);
        run.Checkpoint.Save(path);

        using (var file = SafeTensorsFile.Open(path))
        {
            Assert.Equal(Checkpoint.Format, file.Metadata["format"]);
            Assert.Equal("AdamW", file.Metadata["optimizer"]);
            Assert.Equal("3", file.Metadata["optimizer.groups"]);
            Assert.Equal("[\"layer.bias\"]", file.Metadata["optimizer.group.1.params"]);
            Assert.Equal("0", file.Metadata["optimizer.group.1.hyper.weight_decay"]);
            Assert.Equal("V2", file.Metadata["optimizer.group.0.hyper.pytorch"]);
            Assert.Equal("3", file.Metadata["optimizer.step.scale"]);
            Assert.Equal("SequentialLR", file.Metadata["scheduler.0.class"]);
            Assert.Equal("ExponentialMovingAverage", file.Metadata["averaged.kind"]);
            Assert.Equal(run.Weight.Data.ToArray(), file.ReadArray<float>("model.layer.weight"));
            Assert.Equal([3L, 4L], file["model.layer.weight"].Shape);
            Assert.Equal(run.Optimizer.State<float>(run.Weight, "exp_avg").ToArray(), file.ReadArray<float>("optimizer.state.layer.weight.exp_avg"));
            Assert.Equal(run.Optimizer.State<double>(run.Scale, "exp_avg_sq").ToArray(), file.ReadArray<double>("optimizer.state.scale.exp_avg_sq"));
            Assert.Equal(SafeTensorsDType.F64, file["averaged.scale"].DType);
            // amsgrad is off: its buffer was never allocated, so it is not saved.
            Assert.False(file.Contains("optimizer.state.layer.weight.max_exp_avg_sq"));
        }

        // Large tensors: the header is small beside them.
        var big = new Parameter<float>(new float[1 << 20], [1024, 1024], "big");
        big.Grad = Enumerable.Repeat(0.5f, 1 << 20).ToArray();
        var adam = new Adam([big]);
        adam.Step();
        string bigPath = directory.File("big.safetensors");
        new Checkpoint(adam).Save(bigPath);
        long raw = 3L * sizeof(float) * big.Length;
        long size = new FileInfo(bigPath).Length;
        Assert.True(size <= raw * 1.05, $"{size} bytes for {raw} raw bytes");
        Assert.True(size > raw);
    }

    [Fact]
    public void NaN_and_infinities_in_the_state_save_and_load_unchanged()
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.safetensors");
        var run = new Run();
        run.Train(2);
        run.Optimizer.LoadState<float>(run.Bias, "exp_avg", new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f }, step: 2);
        run.Checkpoint.Save(path);
        var loaded = new Run();
        loaded.Checkpoint.Load(path);
        Assert.Equal(run.Snapshot(), loaded.Snapshot());
    }

    [Fact]
    public void A_save_failing_at_any_byte_or_before_the_rename_leaves_the_previous_checkpoint()
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.safetensors");
        var run = new Run();
        run.Train(2);
        run.Checkpoint.Save(path);
        byte[] previous = File.ReadAllBytes(path);
        run.Train(1);
        using var next = new MemoryStream();
        run.Checkpoint.Save(next);

        for (long failAt = 0; failAt < next.Length; failAt++)
        {
            var error = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream => run.Checkpoint.Save(new FailingStream(stream, failAt))));
            Assert.Contains("No space left", error.Message);
            Assert.Equal(previous, File.ReadAllBytes(path));
        }
        AtomicFile.BeforeRename = _ => throw new IOException("rename failed");
        try
        {
            Assert.Throws<IOException>(() => run.Checkpoint.Save(path));
        }
        finally
        {
            AtomicFile.BeforeRename = null;
        }
        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(["run.safetensors"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));

        run.Checkpoint.Save(path);
        Assert.Equal(next.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void Every_truncation_and_a_damaged_header_are_refused_and_change_nothing()
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.safetensors");
        var saved = new Run();
        saved.Train(4);
        saved.Checkpoint.Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        var target = new Run();
        target.Train(1);
        string before = target.Snapshot();

        for (int length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<InvalidDataException>(() => target.Checkpoint.Load(new MemoryStream(bytes, 0, length)));
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }
        byte[] damaged = (byte[])bytes.Clone();
        damaged[9] = (byte)'[';
        Assert.Throws<InvalidDataException>(() => target.Checkpoint.Load(new MemoryStream(damaged)));
        Assert.Equal(before, target.Snapshot());
    }

    public static TheoryData<string, string> MismatchedFiles => new()
    {
        { "shape", "tensor 'model.layer.weight' has shape [3, 4]; it must have [4, 3] here" },
        { "dtype", "tensor 'model.scale' holds F64 values; it must hold F32 (Single) here" },
        { "missing parameter", "it has no tensor 'model.extra'" },
        { "extra parameter", "tensor 'model.scale' belongs to nothing in this checkpoint" },
        { "other optimizer", "it holds the state of AdamW, not of Adam" },
        { "no optimizer", "it holds the state of an optimizer (AdamW); this checkpoint has none" },
        { "other scheduler", "scheduler 0 was a SequentialLR; here it is a StepLR" },
        { "no scheduler", "it holds the state of 1 schedulers; this checkpoint has 0" },
        { "other average", "its average is ExponentialMovingAverage; this checkpoint's is EqualWeight" },
        { "other decay", "its average has decay 0.9; this checkpoint's has 0.99" },
    };

    [Theory]
    [MemberData(nameof(MismatchedFiles))]
    public void A_checkpoint_of_another_model_optimizer_schedule_or_average_is_refused_saying_what(string change, string reason)
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.safetensors");
        var saved = new Run();
        saved.Train(3);
        // A model-only file for the leftover parameter (a file with an optimizer would be refused for that first).
        (change == "extra parameter" ? new Checkpoint([saved.Weight, saved.Bias, saved.Scale]) : saved.Checkpoint).Save(path);

        var run = new Run();
        run.Train(1);
        var weight = change == "shape" ? new Parameter<float>(run.Weight.Data, [4, 3], "layer.weight") : run.Weight;
        Parameter scale = change == "dtype" ? new Parameter<float>(new float[2], "scale") : run.Scale;
        var model = new List<Parameter> { weight, run.Bias, scale };
        if (change == "missing parameter") model.Add(new Parameter<float>(new float[3], "extra"));
        if (change == "extra parameter") model.Remove(scale);
        Optimizer? optimizer = change switch
        {
            "shape" or "dtype" or "extra parameter" or "no optimizer" => null,
            "other optimizer" => new Adam([weight, run.Bias, scale]),
            _ => run.Optimizer,
        };
        IEnumerable<Scheduler> schedulers = change switch
        {
            "other scheduler" => [new StepLR(run.Optimizer, stepSize: 3)],
            "no scheduler" => [],
            _ when optimizer is null || optimizer != run.Optimizer => [],
            _ => [run.Schedule],
        };
        AveragedModel? average = change switch
        {
            "other average" => AveragedModel.EqualWeight(model),
            "other decay" => AveragedModel.ExponentialMovingAverage(model, decay: 0.99),
            _ when optimizer == run.Optimizer && change != "missing parameter" => run.Average,
            _ => null,
        };
        var checkpoint = new Checkpoint(model, optimizer, schedulers, average);
        string before = run.Snapshot();

        var error = Assert.Throws<InvalidDataException>(() => checkpoint.Load(path));

        AssertSays(reason, error);
        Assert.StartsWith(path + ": cannot restore this checkpoint: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was changed.", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, run.Snapshot());
    }

    public static TheoryData<string, string, string> BadEntries => new()
    {
        { "optimizer.group.0.hyper.lr", "Infinity", "optimizer.group.0.hyper.lr: AdamW: hyperparameter 'lr' (torch: lr) must be in [0, ∞); got Infinity. Nothing was changed." },
        { "optimizer.group.1.hyper.betas[1]", "1", "optimizer.group.1.hyper.betas[1]: AdamW: hyperparameter 'beta2' (torch: betas[1]) must be in [0, 1); got 1. Nothing was changed." },
        { "optimizer.group.2.hyper.amsgrad", "1", "'optimizer.group.2.hyper.amsgrad' must be true or false; got '1'" },
        { "optimizer.group.0.hyper.pytorch", "V3", "'optimizer.group.0.hyper.pytorch' must be" },
        { "optimizer.group.0.hyper.lr", "fast", "'optimizer.group.0.hyper.lr' is not a number: 'fast'" },
        { "optimizer.group.0.hyper.momentum", "0.9", "'optimizer.group.0.hyper.momentum' is not a hyperparameter of AdamW" },
        { "optimizer.step.layer.bias", "-1", "'optimizer.step.layer.bias' must be a whole number from 0 to 2147483647; got '-1'" },
        { "optimizer.step.layer.bias", "2147483648", "'optimizer.step.layer.bias' must be a whole number from 0 to 2147483647; got '2147483648'" },
        { "optimizer.group.0.schedule.initial_lr", "NaN", "'optimizer.group.0.schedule.initial_lr' must be finite; got NaN" },
        { "optimizer.group.0.params", "[\"layer.weight\", \"layer.weight\"]", "'optimizer.group.0.params' lists a parameter twice" },
        { "optimizer.group.0.params", "{}", "'optimizer.group.0.params' is not a JSON list of parameter names" },
        { "scheduler.0.state", "{\"last_epoch\": \"x\"}", "'scheduler.0.state': " },
        { "averaged.count", "many", "'averaged.count' must be a whole number" },
        { "optimizer", null!, "it holds no optimizer state; this checkpoint has AdamW's" },
        { "format", "scratchoptim-checkpoint/0", "it is not a ScratchOptim checkpoint: its metadata 'format' is 'scratchoptim-checkpoint/0'" },
        { "unknown", "1", "metadata 'unknown' belongs to nothing in this checkpoint" },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public void A_wrong_entry_is_refused_naming_it_and_nothing_changes(string key, string value, string reason)
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.safetensors");
        var saved = new Run();
        saved.Train(3);
        saved.Checkpoint.Save(path);
        Rewrite(path, metadata =>
        {
            if (value is null) metadata.Remove(key);
            else metadata[key] = value;
        });
        var run = new Run();
        run.Train(1);
        string before = run.Snapshot();

        var error = Assert.Throws<InvalidDataException>(() => run.Checkpoint.Load(path));

        AssertSays(reason, error);
        Assert.EndsWith("Nothing was changed.", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, run.Snapshot());
    }

    [Fact]
    public void A_state_tensor_of_the_wrong_shape_or_one_the_optimizer_does_not_keep_is_refused()
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.safetensors");
        var saved = new Run();
        saved.Train(3);
        saved.Checkpoint.Save(path);
        var run = new Run();
        string before = run.Snapshot();

        Rewrite(path, _ => { }, tensors => tensors["optimizer.state.layer.bias.exp_avg"] = new float[5]);
        AssertSays("tensor 'optimizer.state.layer.bias.exp_avg' has shape [5]; it must have [4] here", Assert.Throws<InvalidDataException>(() => run.Checkpoint.Load(path)));
        saved.Checkpoint.Save(path);
        Rewrite(path, _ => { }, tensors => tensors["optimizer.state.layer.bias.momentum_buffer"] = new float[4]);
        AssertSays("tensor 'optimizer.state.layer.bias.momentum_buffer' belongs to nothing", Assert.Throws<InvalidDataException>(() => run.Checkpoint.Load(path)));
        Assert.Equal(before, run.Snapshot());
    }

    [Fact]
    public void Parameters_without_a_unique_name_are_refused_when_the_checkpoint_is_made()
    {
        var unnamed = new Parameter<float>(new float[2]);
        var a = new Parameter<float>(new float[2], "a");
        var otherA = new Parameter<float>(new float[3], "a");
        Assert.Contains("has no name", Assert.Throws<ArgumentException>(() => new Checkpoint([a, unnamed])).Message);
        Assert.Contains("'a[2]' and 'a[3]' (number 1) have the same name", Assert.Throws<ArgumentException>(() => new Checkpoint([a, otherA])).Message);
        Assert.Contains("is listed twice", Assert.Throws<ArgumentException>(() => new Checkpoint([a, a])).Message);
        var adam = new Adam([a, new Parameter<float>(new float[1], "b")]);
        Assert.Contains("Adam optimizes 'b[1]', which is not one of the model's parameters", Assert.Throws<ArgumentException>(() => new Checkpoint([a], adam)).Message);
        var sgd = new SGD([new Parameter<float>(new float[1], "c")]);
        Assert.Contains("Scheduler 0 (StepLR) drives SGD other than the checkpoint's Adam", Assert.Throws<ArgumentException>(() => new Checkpoint(adam, new StepLR(sgd, 2))).Message);
    }

    [Fact]
    public void A_parameter_added_after_the_checkpoint_was_made_must_be_named_too()
    {
        var adam = new Adam([new Parameter<float>(new float[2], "a")]);
        var checkpoint = new Checkpoint(adam);
        adam.AddParamGroup([new Parameter<float>(new float[2])]);
        using var stream = new MemoryStream();
        Assert.Contains("has no name", Assert.Throws<InvalidOperationException>(() => checkpoint.Save(stream)).Message);
        Assert.Equal(0, stream.Length);
    }

    private static void AssertSays(string reason, Exception error) =>
        Assert.True(error.Message.Contains(reason, StringComparison.Ordinal), $"Expected \"{reason}\" in: {error.Message}");

    /// <summary>Rewrites a checkpoint with its metadata and tensors edited (float and double tensors only, as a checkpoint has).</summary>
    internal static void Rewrite(string path, Action<Dictionary<string, string>> editMetadata, Action<Dictionary<string, Array>>? editTensors = null)
    {
        Dictionary<string, string> metadata;
        var tensors = new Dictionary<string, Array>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        using (var file = SafeTensorsFile.Open(path))
        {
            metadata = new Dictionary<string, string>(file.Metadata, StringComparer.Ordinal);
            foreach (var tensor in file.Tensors)
            {
                tensors[tensor.Name] = tensor.DType == SafeTensorsDType.F32 ? file.ReadArray<float>(tensor.Name) : file.ReadArray<double>(tensor.Name);
                shapes[tensor.Name] = [.. tensor.Shape];
            }
        }
        editMetadata(metadata);
        editTensors?.Invoke(tensors);
        var writer = new SafeTensorsWriter();
        foreach (var (name, values) in tensors)
        {
            long[]? shape = shapes.TryGetValue(name, out var known) && known.Aggregate(1L, (a, b) => a * b) == values.Length ? known : null;
            if (values is float[] floats) writer.Add<float>(name, floats, shape);
            else writer.Add<double>(name, (double[])values, shape);
        }
        foreach (var (key, value) in metadata) writer.Metadata[key] = value;
        writer.Save(path);
    }
}
