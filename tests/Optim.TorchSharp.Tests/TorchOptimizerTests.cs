using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScratchOptim.Optimizers;
using ScratchOptim.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using TorchParameter = TorchSharp.Modules.Parameter;

namespace ScratchOptim.TorchSharp.Tests;

/// <summary>What <see cref="TorchOptimizer"/> promises besides the numbers: in place, names, groups, state, errors.</summary>
public sealed class TorchOptimizerTests
{
    [Fact]
    public void Step_writes_the_tensors_own_storage_in_place_and_nothing_around_it()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        // The parameter is the middle of a larger storage (a storage offset), as a view of a packed buffer would be.
        var storage = randn([10], generator: generator);
        float[] before = Tensors.Values<float>(storage);
        var parameter = new TorchParameter(storage.narrow(0, 2, 5));
        IntPtr address = Tensors.Address(parameter);
        var optimizer = TorchOptimizer.Create([("middle", (Tensor)parameter)], ps => new SGD(ps, lr: 0.5));
        Assert.Equal(address, Tensors.Address(((Parameter<float>)optimizer.Parameters[0]).Data));

        parameter.grad = ones([5]);
        optimizer.Step();

        Assert.Equal(address, Tensors.Address(parameter));
        float[] after = Tensors.Values<float>(storage);
        for (int i = 0; i < 10; i++)
        {
            // The update p - 0.5 * 1, seen through the storage the tensor views: elements 2..6 only.
            float expected = i is >= 2 and < 7 ? before[i] - 0.5f : before[i];
            Assert.Equal(expected, after[i]);
        }
    }

    [Fact]
    public void Autograd_sees_a_step_as_the_in_place_update_it_is()
    {
        using var scope = NewDisposeScope();
        var weight = new TorchParameter(ones([4]));
        var optimizer = TorchOptimizer.Create([("weight", (Tensor)weight)], ps => new SGD(ps, lr: 0.1));
        // A graph that saved the weights (w * w keeps w for its backward pass), then a step that changes them.
        using var loss = (weight * weight).sum();
        weight.grad = ones([4]);
        optimizer.Step();

        // torch.optim's own updates make this fail the same way; without it backward would use the new weights.
        var error = Record.Exception(() => loss.backward());
        Assert.NotNull(error);
        Assert.Contains("modified by an inplace operation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_allocates_the_same_small_amount_whatever_the_tensors_size()
    {
        // A copy of the values or the gradient into managed memory would grow with the tensor: 4 MB here.
        long small = AllocatedPerStep(1_000);
        long large = AllocatedPerStep(1_000_000);
        Assert.Equal(small, large);
        Assert.InRange(large, 0, 4096);
    }

    private static long AllocatedPerStep(int length)
    {
        using var scope = NewDisposeScope();
        var parameter = new TorchParameter(zeros([length]));
        var optimizer = TorchOptimizer.Create([("p", (Tensor)parameter)], ps => new AdamW(ps));
        parameter.grad = ones([length]);
        optimizer.Step();
        optimizer.Step();
        long start = GC.GetAllocatedBytesForCurrentThread();
        optimizer.Step();
        return GC.GetAllocatedBytesForCurrentThread() - start;
    }

    [Fact]
    public void Parameters_are_named_and_found_as_the_module_names_them()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("fc1", nn.Linear(4, 3)), ("act", nn.ReLU()), ("fc2", nn.Linear(3, 2)));
        var optimizer = TorchOptimizer.Create(model, ps => new AdamW(ps));

        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], optimizer.Parameters.Select(p => p.Name));
        Assert.Equal([3, 4], optimizer.Parameters["fc1.weight"].Shape);
        var fc2Bias = model.named_parameters().Single(named => named.name == "fc2.bias").parameter;
        Assert.Equal(Tensors.Address(fc2Bias), Tensors.Address(optimizer.Parameters.TensorOf(optimizer.Parameters["fc2.bias"])));
        var missing = Assert.Throws<KeyNotFoundException>(() => optimizer.Parameters["fc3.weight"]);
        Assert.Contains("fc1.weight, fc1.bias, fc2.weight, fc2.bias", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Groups_and_mixed_dtypes_step_exactly_as_the_same_optimizer_over_arrays()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        var tensors = new[]
        {
            Tensors.RandomParameter(generator, ScalarType.Float32, 6, 5),
            Tensors.RandomParameter(generator, ScalarType.Float32, 6),
            Tensors.RandomParameter(generator, ScalarType.Float64, 17),
        };
        string[] names = ["layer.weight", "layer.bias", "scale"];
        Parameter[] arrays =
        [
            new Parameter<float>(Tensors.Values<float>(tensors[0]), [6, 5], names[0]),
            new Parameter<float>(Tensors.Values<float>(tensors[1]), names[1]),
            new Parameter<double>(Tensors.Values<double>(tensors[2]), names[2]),
        ];
        var onTensors = TorchOptimizer.Create(names.Zip(tensors, (n, t) => (n, (Tensor)t)), WeightsAndTheRest);
        var onArrays = WeightsAndTheRest(arrays);

        for (int step = 0; step < 4; step++)
        {
            for (int i = 0; i < tensors.Length; i++)
            {
                var gradient = randn(tensors[i].shape, dtype: tensors[i].dtype, generator: generator);
                tensors[i].grad = gradient;
                if (arrays[i] is Parameter<float> single) single.Grad = Tensors.Values<float>(gradient);
                else ((Parameter<double>)arrays[i]).Grad = Tensors.Values<double>(gradient);
            }
            if (step == 2) onTensors.Optimizer.ParamGroups[1].Hyper.Lr = onArrays.ParamGroups[1].Hyper.Lr = 0.01;
            onTensors.Step();
            onArrays.Step();
        }

        Assert.Equal(((Parameter<float>)arrays[0]).Data.ToArray(), Tensors.Values<float>(tensors[0]));
        Assert.Equal(((Parameter<float>)arrays[1]).Data.ToArray(), Tensors.Values<float>(tensors[1]));
        Assert.Equal(((Parameter<double>)arrays[2]).Data.ToArray(), Tensors.Values<double>(tensors[2]));
        Assert.Equal(onArrays.StateValues(arrays[2], "exp_avg_sq"), onTensors.Optimizer.StateValues(onTensors.Parameters["scale"], "exp_avg_sq"));

        // Weights decay; biases and the scale are a group of their own, without decay and with their own lr.
        static AdamW WeightsAndTheRest(IReadOnlyList<Parameter> parameters)
        {
            var optimizer = new AdamW(parameters.Where(p => p.Name!.EndsWith(".weight", StringComparison.Ordinal)), lr: 3e-3, weightDecay: 0.1);
            optimizer.AddParamGroup(parameters.Where(p => !p.Name!.EndsWith(".weight", StringComparison.Ordinal)), group => group.WeightDecay = 0);
            return optimizer;
        }
    }

    [Fact]
    public void WithGradients_lets_ScratchOptim_clip_every_tensors_gradient_as_TorchSharp_clips_them()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(12);
        var weight = Tensors.RandomParameter(generator, ScalarType.Float32, 5, 3);
        var bias = Tensors.RandomParameter(generator, ScalarType.Float32, 5);
        weight.grad = randn([5, 3], generator: generator);
        bias.grad = randn([5], generator: generator);
        var (weightCopy, biasCopy) = (Tensors.Copy(weight), Tensors.Copy(bias));
        weightCopy.grad = weight.grad.clone();
        biasCopy.grad = bias.grad.clone();
        // The optimizer holds the weight only; clipping, as clip_grad_norm_(model.parameters()), covers both tensors.
        var optimizer = TorchOptimizer.Create([("weight", (Tensor)weight), ("bias", (Tensor)bias)], ps => new SGD(ps.Where(p => p.Name == "weight"), lr: 0.1));

        double norm = optimizer.WithGradients(parameters =>
        {
            Assert.All(parameters, parameter => Assert.True(parameter.HasGrad));
            return GradientClipping.ClipGradNorm(parameters, maxNorm: 0.5);
        });
        double torchNorm = nn.utils.clip_grad_norm_([weightCopy, biasCopy], max_norm: 0.5);

        Assert.True(torchNorm > 0.5, "the gradients were not large enough to be clipped");
        Assert.Equal(torchNorm, norm, 5);
        Assert.Equal(Tensors.Values<float>(weightCopy.grad), Tensors.Values<float>(weight.grad), (a, b) => Math.Abs(a - b) <= 1e-6f);
        Assert.Equal(Tensors.Values<float>(biasCopy.grad), Tensors.Values<float>(bias.grad), (a, b) => Math.Abs(a - b) <= 1e-6f);
        // Outside WithGradients and Step the parameters have no gradient again.
        Assert.All(optimizer.Parameters, parameter => Assert.False(parameter.HasGrad));
    }

    [Fact]
    public void A_step_inside_WithGradients_is_refused_and_the_gradients_stay_bound()
    {
        using var scope = NewDisposeScope();
        var weight = new TorchParameter(ones([4]));
        var optimizer = TorchOptimizer.Create([("weight", (Tensor)weight)], ps => new SGD(ps, lr: 0.1));
        weight.grad = ones([4]);

        optimizer.WithGradients(parameters =>
        {
            Assert.Throws<InvalidOperationException>(() => optimizer.Step());
            Assert.Throws<InvalidOperationException>(() => optimizer.WithGradients(_ => { }));
            Assert.True(parameters[0].HasGrad);
        });

        Assert.Equal([1f, 1f, 1f, 1f], Tensors.Values<float>(weight));
        optimizer.Step();
        Assert.Equal([0.9f, 0.9f, 0.9f, 0.9f], Tensors.Values<float>(weight));
    }

    [Fact]
    public void A_tensor_without_a_gradient_is_skipped_as_torch_skips_a_None_grad()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(9);
        var stepped = Tensors.RandomParameter(generator, ScalarType.Float32, 8);
        var frozen = Tensors.RandomParameter(generator, ScalarType.Float32, 8);
        float[] frozenBefore = Tensors.Values<float>(frozen), steppedBefore = Tensors.Values<float>(stepped);
        var optimizer = TorchOptimizer.Create([("stepped", (Tensor)stepped), ("frozen", (Tensor)frozen)], ps => new Adam(ps));

        stepped.grad = ones([8]);
        optimizer.Step();

        Assert.NotEqual(steppedBefore, Tensors.Values<float>(stepped));
        Assert.Equal(frozenBefore, Tensors.Values<float>(frozen));
        Assert.Equal(1, optimizer.Optimizer.StepCount(optimizer.Parameters["stepped"]));
        Assert.Equal(0, optimizer.Optimizer.StepCount(optimizer.Parameters["frozen"]));
    }

    [Fact]
    public void Saved_state_resumes_a_run_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        var straight = new[] { Tensors.RandomParameter(generator, ScalarType.Float32, 4, 3), Tensors.RandomParameter(generator, ScalarType.Float32, 3) };
        var gradients = Enumerable.Range(0, 5).Select(_ => straight.Select(p => randn(p.shape, generator: generator)).ToArray()).ToArray();
        var resumed = straight.Select(Tensors.Copy).ToArray();

        var uninterrupted = Create(straight);
        for (int step = 0; step < 5; step++)
        {
            if (step == 3) uninterrupted.Optimizer.ParamGroups[0].Hyper.Lr = 1e-3;
            StepWith(uninterrupted, straight, gradients[step]);
        }

        var first = Create(resumed);
        for (int step = 0; step < 3; step++) StepWith(first, resumed, gradients[step]);
        first.Optimizer.ParamGroups[0].Hyper.Lr = 1e-3;
        using var saved = new MemoryStream();
        first.Optimizer.SaveState(saved);
        // A new optimizer over new tensors holding the saved weights, as after loading a model from disk.
        var reloaded = resumed.Select(Tensors.Copy).ToArray();
        var second = Create(reloaded);
        saved.Position = 0;
        second.Optimizer.LoadState(saved);
        for (int step = 3; step < 5; step++) StepWith(second, reloaded, gradients[step]);

        for (int i = 0; i < straight.Length; i++)
        {
            Assert.Equal(Tensors.Values<float>(straight[i]), Tensors.Values<float>(reloaded[i]));
            Assert.Equal(uninterrupted.Optimizer.StateValues(uninterrupted.Parameters[i], "exp_avg"), second.Optimizer.StateValues(second.Parameters[i], "exp_avg"));
        }
        Assert.Equal(5, second.Optimizer.StepCount(second.Parameters["w"]));

        static TorchOptimizer<AdamW> Create(TorchParameter[] tensors) =>
            TorchOptimizer.Create([("w", (Tensor)tensors[0]), ("b", (Tensor)tensors[1])], ps => new AdamW(ps, lr: 1e-2));

        static void StepWith(TorchOptimizer optimizer, TorchParameter[] tensors, Tensor[] gradients)
        {
            for (int i = 0; i < tensors.Length; i++) tensors[i].grad = gradients[i].clone();
            optimizer.Step();
        }
    }

    [Fact]
    public void ZeroGrad_removes_the_gradients_or_zeroes_them_in_place()
    {
        using var scope = NewDisposeScope();
        var parameter = new TorchParameter(ones([4]));
        var optimizer = TorchOptimizer.Create([("p", (Tensor)parameter)], ps => new SGD(ps));

        parameter.grad = ones([4]);
        IntPtr gradient = Tensors.Address(parameter.grad);
        optimizer.ZeroGrad(setToNone: false);
        Assert.Equal(gradient, Tensors.Address(parameter.grad));
        Assert.Equal(new float[4], Tensors.Values<float>(parameter.grad));

        optimizer.ZeroGrad();
        Assert.Null(parameter.grad);
    }

    public static TheoryData<string> UnsteppableTensors() => ["transposed", "float16", "bfloat16", "meta device", "computed", "duplicate name", "none"];

    [Theory]
    [MemberData(nameof(UnsteppableTensors))]
    public void A_tensor_that_cannot_be_stepped_in_place_is_refused_when_the_optimizer_is_created(string what)
    {
        using var scope = NewDisposeScope();
        var good = new TorchParameter(zeros([3]));
        (string, Tensor)[] tensors = what switch
        {
            // A view whose elements are not in order in memory.
            "transposed" => [("good", good), ("bad", new TorchParameter(zeros([3, 4]).t()))],
            "float16" => [("good", good), ("bad", new TorchParameter(zeros([3], dtype: ScalarType.Float16)))],
            "bfloat16" => [("good", good), ("bad", new TorchParameter(zeros([3], dtype: ScalarType.BFloat16)))],
            // The CPU build of LibTorch has no CUDA device; the meta device (shapes without memory) is refused by
            // the same check, on the tensor's device type.
            "meta device" => [("good", good), ("bad", new TorchParameter(zeros([3], device: torch.META)))],
            "computed" => [("good", good), ("bad", good * 2)],
            "duplicate name" => [("good", good), ("good", new TorchParameter(zeros([3])))],
            _ => [],
        };

        var error = Record.Exception(() => TorchOptimizer.Create(tensors, ps => new SGD(ps)));

        Assert.IsType(what is "float16" or "bfloat16" or "meta device" ? typeof(NotSupportedException) : typeof(ArgumentException), error);
        string expected = what switch
        {
            "transposed" => "Parameter 'bad' is not contiguous (shape [4, 3], strides [1, 4])",
            "float16" => "Parameter 'bad' holds Float16 elements; ScratchOptim steps float32 and float64 tensors",
            "bfloat16" => "Parameter 'bad' holds BFloat16 elements",
            "meta device" => "Parameter 'bad' is on meta",
            "computed" => "Parameter 'bad' is not a leaf tensor",
            "duplicate name" => "Two parameters are named 'good'",
            _ => "There are no parameters to optimize",
        };
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> BrokenGradients() => ["gradient of another dtype", "transposed gradient", "disposed tensor"];

    [Theory]
    [MemberData(nameof(BrokenGradients))]
    public void A_step_that_cannot_be_done_in_place_throws_before_writing_anything(string what)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(13);
        var first = Tensors.RandomParameter(generator, ScalarType.Float32, 4, 4);
        var second = Tensors.RandomParameter(generator, ScalarType.Float32, 4, 4);
        float[] before = Tensors.Values<float>(first);
        var optimizer = TorchOptimizer.Create([("first", (Tensor)first), ("second", (Tensor)second)], ps => new AdamW(ps));
        first.grad = ones([4, 4]);
        second.grad = ones([4, 4]);
        switch (what)
        {
            // LibTorch accepts both as a float32 parameter's grad; ScratchOptim's kernels would misread them.
            case "gradient of another dtype": second.grad = ones([4, 4], dtype: ScalarType.Float64); break;
            case "transposed gradient": second.grad = randn([4, 4], generator: generator).t(); break;
            default: second.Dispose(); break;
        }

        var error = Record.Exception(optimizer.Step);

        Assert.IsType(what == "disposed tensor" ? typeof(ObjectDisposedException) : typeof(InvalidOperationException), error);
        Assert.Contains("Parameter 'second'", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Tensors.Values<float>(first));
        Assert.Equal(0, optimizer.Optimizer.StepCount(optimizer.Parameters["first"]));

        if (what == "disposed tensor") return;
        // The advice is about the gradient, not about recreating the optimizer for a converted module.
        Assert.Contains("A gradient must be a dense, contiguous tensor of the parameter's dtype and shape", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("create the optimizer again", error.Message, StringComparison.Ordinal);
        // Nothing was half done: with a proper gradient the same optimizer takes its first step.
        second.grad = ones([4, 4]);
        optimizer.Step();
        Assert.Equal(1, optimizer.Optimizer.StepCount(optimizer.Parameters["first"]));
    }

    [Fact]
    public void A_parameters_values_outside_a_step_are_the_tensors_memory_now_and_never_freed_memory()
    {
        using var scope = NewDisposeScope();
        var parameter = new TorchParameter(ones([4]));
        var optimizer = TorchOptimizer.Create([("p", (Tensor)parameter)], ps => new SGD(ps, lr: 0.5));
        parameter.grad = ones([4]);
        optimizer.Step();
        var values = (Parameter<float>)optimizer.Parameters["p"];

        // set_() gives the tensor new memory of the same layout (its old memory may then be freed): a checkpoint or an
        // average that reads the parameter before the next step reads the new memory.
        using (no_grad()) parameter.set_(full([4], 7f));
        Assert.Equal(Tensors.Address(parameter), Tensors.Address(values.Data));
        Assert.Equal([7f, 7f, 7f, 7f], values.Data.ToArray());

        // Memory of another size, or none at all, is refused rather than read.
        using (no_grad()) parameter.set_(zeros([6]));
        Assert.Contains("now holds 6 Float32 elements, not 4", Assert.Throws<InvalidOperationException>(() => values.Data.ToArray()).Message, StringComparison.Ordinal);
        parameter.Dispose();
        Assert.Throws<ObjectDisposedException>(() => values.Data.ToArray());
    }

    [Fact]
    public void A_parameter_of_another_TorchOptimizer_is_refused()
    {
        using var scope = NewDisposeScope();
        var a = new TorchParameter(zeros([3]));
        var b = new TorchParameter(zeros([3]));
        var first = TorchOptimizer.Create([("a", (Tensor)a)], ps => new SGD(ps));

        var error = Assert.Throws<InvalidOperationException>(() =>
            TorchOptimizer.Create([("b", (Tensor)b)], ps => new SGD(ps.Concat(first.Parameters))));
        Assert.Contains("Parameter 'a[3]' views a tensor of another TorchOptimizer's parameters", error.Message, StringComparison.Ordinal);
    }
}
