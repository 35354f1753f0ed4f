using System;
using System.IO;
using System.Linq;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Training.Tests;

/// <summary>
/// A checkpoint of an optimizer with group state (Prodigy's step-size estimate d, one value per parameter group)
/// saves it beside the group's settings and restores it, so the resumed run is the uninterrupted one bit for bit.
/// </summary>
public class GroupStateCheckpointTests
{
    private static Parameter<float>[] Model() =>
    [
        new Parameter<float>(Enumerable.Range(0, 12).Select(i => 0.1f * i - 0.5f).ToArray(), [3, 4], "layer.weight"),
        new Parameter<float>(new float[] { 0.25f, -0.5f, 0.75f, -1f }, "layer.bias"),
    ];

    private static void Train(Parameter<float>[] model, Prodigy prodigy, int steps)
    {
        for (int s = 0; s < steps; s++)
        {
            foreach (var parameter in model)
                parameter.Grad = parameter.Data.ToArray().Select((p, i) => MathF.Sin(3 * p + i) + 0.01f * i).ToArray();
            prodigy.Step();
        }
    }

    [Fact]
    public void A_run_with_group_state_resumes_bit_for_bit()
    {
        using var directory = new TempDirectory();
        string path = directory.File("prodigy.safetensors");
        var uninterruptedModel = Model();
        var uninterrupted = new Prodigy(uninterruptedModel);
        Train(uninterruptedModel, uninterrupted, 25);

        var firstModel = Model();
        var first = new Prodigy(firstModel);
        Train(firstModel, first, 10);
        new Checkpoint(firstModel, first).Save(path);

        var resumedModel = Model();
        var resumed = new Prodigy(resumedModel);
        var checkpoint = new Checkpoint(resumedModel, resumed);
        checkpoint.Load(path);
        Assert.Equal(first.GroupStateValue(0, "d"), resumed.GroupStateValue(0, "d"));
        Assert.Equal(10.0, resumed.GroupStateValue(0, "k"));
        Train(resumedModel, resumed, 15);

        for (int i = 0; i < resumedModel.Length; i++) Assert.Equal(uninterruptedModel[i].Data.ToArray(), resumedModel[i].Data.ToArray());
        Assert.Equal(uninterrupted.GroupStateValue(0, "d"), resumed.GroupStateValue(0, "d"));
        Assert.Equal(uninterrupted.GroupStateValue(0, "d_numerator"), resumed.GroupStateValue(0, "d_numerator"));
    }

    [Fact]
    public void A_checkpoint_saved_before_the_first_step_leaves_the_group_state_to_start_afresh()
    {
        using var directory = new TempDirectory();
        string path = directory.File("fresh.safetensors");
        var model = Model();
        new Checkpoint(model, new Prodigy(model)).Save(path);

        var trainedModel = Model();
        var trained = new Prodigy(trainedModel);
        Train(trainedModel, trained, 3);
        Assert.NotNull(trained.GroupStateValue(0, "d"));
        new Checkpoint(trainedModel, trained).Load(path);
        Assert.Null(trained.GroupStateValue(0, "d"));
    }

    [Fact]
    public void A_group_added_after_steps_is_checkpointed_with_the_estimate_it_shares()
    {
        // Prodigy's estimate spans its groups: a group added after some steps holds it too, and resuming from a
        // checkpoint saved right then is the uninterrupted run.
        using var directory = new TempDirectory();
        string path = directory.File("added.safetensors");
        Parameter<float>[] Later() => [new Parameter<float>(new float[] { 0.5f, -0.25f, 1f }, "head.bias")];
        var uninterruptedModel = Model();
        var uninterruptedLater = Later();
        var uninterrupted = new Prodigy(uninterruptedModel);
        Train(uninterruptedModel, uninterrupted, 4);
        uninterrupted.AddParamGroup(uninterruptedLater);

        var firstModel = Model();
        var firstLater = Later();
        var first = new Prodigy(firstModel);
        Train(firstModel, first, 4);
        first.AddParamGroup(firstLater);
        Assert.Equal(first.GroupStateValue(0, "d"), first.GroupStateValue(1, "d"));
        new Checkpoint([.. firstModel, .. firstLater], first).Save(path);

        var resumedModel = Model();
        var resumedLater = Later();
        var resumed = new Prodigy(resumedModel);
        resumed.AddParamGroup(resumedLater);
        new Checkpoint([.. resumedModel, .. resumedLater], resumed).Load(path);
        Assert.Equal(first.GroupStateValue(0, "d"), resumed.GroupStateValue(0, "d"));
        Assert.Equal(first.GroupStateValue(0, "d"), resumed.GroupStateValue(1, "d"));

        Train([.. uninterruptedModel, .. uninterruptedLater], uninterrupted, 3);
        Train([.. resumedModel, .. resumedLater], resumed, 3);
        Assert.Equal(uninterrupted.GroupStateValue(0, "d"), resumed.GroupStateValue(0, "d"));
        for (int i = 0; i < resumedModel.Length; i++) Assert.Equal(uninterruptedModel[i].Data.ToArray(), resumedModel[i].Data.ToArray());
        Assert.Equal(uninterruptedLater[0].Data.ToArray(), resumedLater[0].Data.ToArray());
    }

    [Fact]
    public void A_checkpoint_whose_groups_differ_in_the_shared_estimate_restores_the_first_groups()
    {
        // As a step reads it (and as the state file's loader): the first group's value, which every group then holds,
        // not whichever group the loader happens to apply last.
        using var directory = new TempDirectory();
        string path = directory.File("differing.safetensors");
        var savedModel = Model();
        var saved = new Prodigy(savedModel[..1]);
        saved.AddParamGroup(savedModel[1..]);
        Train(savedModel, saved, 4);
        double d = saved.GroupStateValue(0, "d")!.Value;
        new Checkpoint(savedModel, saved).Save(path);
        CheckpointTests.Rewrite(path, metadata => metadata["optimizer.group.1.state.d"] = "0.5");

        var model = Model();
        var prodigy = new Prodigy(model[..1]);
        prodigy.AddParamGroup(model[1..]);
        new Checkpoint(model, prodigy).Load(path);
        Assert.Equal(d, prodigy.GroupStateValue(0, "d"));
        Assert.Equal(d, prodigy.GroupStateValue(1, "d"));
    }

    [Theory]
    [InlineData("optimizer.group.0.state.d", "fast", "'optimizer.group.0.state.d' is not a number: 'fast'")]
    [InlineData("optimizer.group.0.state.d_min", "1", "'optimizer.group.0.state.d_min' is not a hyperparameter of Prodigy, nor a value of parameter group 0")]
    [InlineData("optimizer.group.1.state.d", "1", "'optimizer.group.1.state.d' is not a hyperparameter of Prodigy, nor a value of parameter group 0")]
    public void A_wrong_group_state_entry_is_refused_naming_it_and_nothing_changes(string key, string value, string reason)
    {
        using var directory = new TempDirectory();
        string path = directory.File("prodigy.safetensors");
        var savedModel = Model();
        var saved = new Prodigy(savedModel);
        Train(savedModel, saved, 4);
        new Checkpoint(savedModel, saved).Save(path);
        CheckpointTests.Rewrite(path, metadata => metadata[key] = value);

        var model = Model();
        var prodigy = new Prodigy(model);
        Train(model, prodigy, 2);
        double? d = prodigy.GroupStateValue(0, "d");
        var parameters = model.Select(p => p.Data.ToArray()).ToArray();

        var error = Assert.Throws<InvalidDataException>(() => new Checkpoint(model, prodigy).Load(path));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(d, prodigy.GroupStateValue(0, "d"));
        Assert.Equal(2, prodigy.StepCount(model[0]));
        for (int i = 0; i < model.Length; i++) Assert.Equal(parameters[i], model[i].Data.ToArray());
    }
}
