using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScratchOptim.Optimizers;
using ScratchOptim.Training;

namespace ScratchOptim.Replay;

/// <summary>
/// Replays a learning-rate scheduler case (../shared/reference/torch2/schedulers): the same optimizer groups, the
/// same scheduler, the same steps; every recorded learning rate (and momentum) must be equal to the bit. With a
/// <c>resume</c> record, the scheduler's state after <c>resume.at</c> steps must equal PyTorch's state_dict, and
/// both resumes are replayed twice, from this library's saved state and from PyTorch's: scheduler state only into
/// a fresh optimizer (<c>lrs_after</c>), and with the optimizer's groups restored too
/// (<c>lrs_after_with_optimizer_state</c>).
/// </summary>
public static class SchedulerCaseRunner
{
    public static TrainingReplayResult Run(TrainingCase reference)
    {
        var json = reference.Json;
        var spec = new ScheduleCase(json);
        if (Catalog.Find(spec.OptimizerClass) is null)
            return new(reference, ReplayStatus.Skipped, $"no optimizer '{spec.OptimizerClass}' in the library", null);

        string? mismatch = null;
        var (optimizer, scheduler) = spec.Build();
        var (lrs, momentums) = spec.Run(optimizer, scheduler, 0, spec.Steps);
        mismatch ??= CaseNumbers.FirstDifference("lrs", lrs, CaseNumbers.Rows(json["lrs"]));
        if (json["momentums"] is { } expectedMomentums)
            mismatch ??= CaseNumbers.FirstDifference("momentums", momentums!, CaseNumbers.Rows(expectedMomentums));

        var output = (JsonObject)json.DeepClone();
        output["reference"] = $"ScratchOptim.Training {typeof(LRScheduler).Assembly.GetName().Version}, {spec.SchedulerName}";
        output["lrs"] = CaseNumbers.ToJson(lrs);
        if (json.ContainsKey("momentums")) output["momentums"] = CaseNumbers.ToJson(momentums!);

        if (json["resume"] is JsonObject resume)
        {
            mismatch = Resume(spec, resume, (JsonObject)output["resume"]!, mismatch);
        }
        return mismatch is null
            ? new(reference, ReplayStatus.Passed, $"{spec.Steps} steps bit-exact" + (json.ContainsKey("resume") ? ", both resumes too" : ""), output)
            : new(reference, ReplayStatus.Failed, mismatch, output);
    }

    private static string? Resume(ScheduleCase spec, JsonObject resume, JsonObject output, string? mismatch)
    {
        int at = resume["at"]!.GetValue<int>();
        var (optimizer, scheduler) = spec.Build();
        spec.Run(optimizer, scheduler, 0, at);
        var ourState = scheduler.StateDict();
        var ourGroups = GroupSnapshot.Take(optimizer);
        var torchState = (JsonObject)resume["state_dict"]!;
        mismatch ??= CaseNumbers.FirstDifference($"state_dict after {at} steps", ourState, torchState);
        output["state_dict"] = ourState.DeepClone();

        var expectedAfter = CaseNumbers.Rows(resume["lrs_after"]);
        var expectedWithOptimizer = CaseNumbers.Rows(resume["lrs_after_with_optimizer_state"]);
        bool recordsMomentum = resume.ContainsKey("momentums_after");

        foreach (var (source, state) in new[] { ("this library's", ourState), ("PyTorch's", torchState) })
        {
            // Scheduler state only, into a fresh optimizer: its learning rates are those the fresh scheduler set.
            var (fresh, restored) = spec.Build();
            restored.LoadStateDict((JsonObject)state.DeepClone());
            var (after, momentumsAfter) = spec.Run(fresh, restored, at, spec.Steps);
            mismatch ??= CaseNumbers.FirstDifference($"lrs_after ({source} state)", after, expectedAfter, at);
            if (recordsMomentum)
                mismatch ??= CaseNumbers.FirstDifference($"momentums_after ({source} state)", momentumsAfter!, CaseNumbers.Rows(resume["momentums_after"]), at);

            // The optimizer's groups restored too, as a checkpoint does: the run continues as if uninterrupted.
            var (freshWithGroups, restoredWithGroups) = spec.Build();
            if (state == ourState) ourGroups.Restore(freshWithGroups);
            else GroupSnapshot.FromTorch((JsonArray)resume["optimizer_param_groups"]!).Restore(freshWithGroups);
            restoredWithGroups.LoadStateDict((JsonObject)state.DeepClone());
            var (withGroups, momentumsWithGroups) = spec.Run(freshWithGroups, restoredWithGroups, at, spec.Steps);
            mismatch ??= CaseNumbers.FirstDifference($"lrs_after_with_optimizer_state ({source} state)", withGroups, expectedWithOptimizer, at);
            if (recordsMomentum)
                mismatch ??= CaseNumbers.FirstDifference($"momentums_after_with_optimizer_state ({source} state)", momentumsWithGroups!,
                    CaseNumbers.Rows(resume["momentums_after_with_optimizer_state"]), at);

            if (state == ourState)
            {
                output["lrs_after"] = CaseNumbers.ToJson(after);
                output["lrs_after_with_optimizer_state"] = CaseNumbers.ToJson(withGroups);
                output["optimizer_param_groups"] = ourGroups.ToJson();
                if (recordsMomentum)
                {
                    output["momentums_after"] = CaseNumbers.ToJson(momentumsAfter!);
                    output["momentums_after_with_optimizer_state"] = CaseNumbers.ToJson(momentumsWithGroups!);
                }
            }
        }
        return mismatch;
    }
}

/// <summary>The numeric values of every parameter group (hyperparameters and scheduler values), as an optimizer checkpoint keeps them.</summary>
internal sealed class GroupSnapshot
{
    private readonly List<List<(string Key, double Value)>> groups;

    private GroupSnapshot(List<List<(string Key, double Value)>> groups) => this.groups = groups;

    public static GroupSnapshot Take(Optimizer optimizer)
    {
        var groups = new List<List<(string, double)>>();
        for (int g = 0; g < optimizer.GroupCount; g++)
        {
            var values = new List<(string, double)>();
            // Numbers only, as PyTorch's saved groups: flags and enums (the PyTorch version to reproduce) are not schedule state.
            foreach (var hyper in optimizer.Info.Hyperparameters)
                if (hyper.IsNumber) values.Add((hyper.TorchName, optimizer.GetGroupValue(g, hyper.TorchName)));
            foreach (var (key, value) in optimizer.ScheduleValues(g)) values.Add((key, value));
            groups.Add(values);
        }
        return new GroupSnapshot(groups);
    }

    /// <summary>PyTorch's saved <c>param_groups</c>: numbers and tuples of numbers; flags, <c>None</c> and <c>params</c> are not schedule state.</summary>
    public static GroupSnapshot FromTorch(JsonArray torchGroups)
    {
        var groups = new List<List<(string, double)>>();
        foreach (var node in torchGroups)
        {
            var values = new List<(string, double)>();
            foreach (var (key, value) in (JsonObject)node!)
            {
                if (key == "params") continue;
                if (value is JsonArray tuple)
                {
                    for (int i = 0; i < tuple.Count; i++) values.Add(($"{key}[{i}]", CaseNumbers.Number(tuple[i])));
                }
                else if (value?.GetValueKind() == JsonValueKind.Number)
                {
                    values.Add((key, CaseNumbers.Number(value)));
                }
            }
            groups.Add(values);
        }
        return new GroupSnapshot(groups);
    }

    public void Restore(Optimizer optimizer)
    {
        if (groups.Count != optimizer.GroupCount) throw new InvalidOperationException($"{groups.Count} saved groups for {optimizer.GroupCount}");
        for (int g = 0; g < groups.Count; g++)
            foreach (var (key, value) in groups[g]) optimizer.SetGroupValue(g, key, value);
    }

    public JsonArray ToJson() =>
        new([.. groups.Select(values => (JsonNode)new JsonObject(values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)CaseNumbers.ToJson(v.Value)))))]);
}

/// <summary>A scheduler case's optimizer, scheduler and step protocol, built as the PyTorch script built them.</summary>
internal sealed class ScheduleCase
{
    private readonly JsonObject json;
    private readonly double[]? metrics;
    private readonly double[]? stepEpochs;

    public ScheduleCase(JsonObject json)
    {
        this.json = json;
        var optimizer = (JsonObject)json["optimizer"]!;
        OptimizerClass = optimizer["class"]!.GetValue<string>();
        SchedulerName = json["scheduler"]!.GetValue<string>();
        Steps = json["steps"]!.GetValue<int>();
        metrics = json["metrics"] is { } m ? CaseNumbers.Numbers(m) : null;
        stepEpochs = json["step_epochs"] is { } e ? CaseNumbers.Numbers(e) : null;
    }

    public string OptimizerClass { get; }

    public string SchedulerName { get; }

    public int Steps { get; }

    public (Optimizer Optimizer, Scheduler Scheduler) Build()
    {
        var optimizer = BuildOptimizer((JsonObject)json["optimizer"]!);
        var scheduler = BuildScheduler(SchedulerName, (JsonObject)json["args"]!, optimizer, json["schedulers"] as JsonArray);
        return (optimizer, scheduler);
    }

    /// <summary>Steps <paramref name="first"/> to <paramref name="last"/>; returns the learning rates (and momentums) before the first step and after each.</summary>
    public (List<double[]> Lrs, List<double[]>? Momentums) Run(Optimizer optimizer, Scheduler scheduler, int first, int last)
    {
        string? momentumKey = json.ContainsKey("momentums") ? optimizer.MomentumKey() : null;
        var lrs = new List<double[]> { Values(optimizer, ParamGroupValues.LearningRate) };
        var momentums = momentumKey is null ? null : new List<double[]> { Values(optimizer, momentumKey) };
        for (int i = first; i < last; i++)
        {
            switch (scheduler)
            {
                case ReduceLROnPlateau plateau:
                    plateau.Step(metrics![i]);
                    break;
                case CosineAnnealingWarmRestarts restarts when stepEpochs is not null:
                    restarts.Step(stepEpochs[i]);
                    break;
                case LRScheduler lr when stepEpochs is not null:
                    lr.Step(checked((int)stepEpochs[i]));
                    break;
                case LRScheduler lr:
                    lr.Step();
                    break;
            }
            lrs.Add(Values(optimizer, ParamGroupValues.LearningRate));
            momentums?.Add(Values(optimizer, momentumKey!));
        }
        return (lrs, momentums);
    }

    private static double[] Values(Optimizer optimizer, string key) =>
        Enumerable.Range(0, optimizer.GroupCount).Select(g => optimizer.GetGroupValue(g, key)).ToArray();

    private static Optimizer BuildOptimizer(JsonObject spec)
    {
        var entry = Catalog.Find(spec["class"]!.GetValue<string>())!;
        var groups = (JsonArray)spec["param_groups"]!;
        var parameters = groups.Select((_, g) => new Parameter<float>(new float[2], $"group{g}")).ToArray();
        var optimizer = entry.Create([parameters[0]]);
        var addGroup = optimizer.GetType().GetMethod("AddParamGroup")!;
        for (int g = 1; g < groups.Count; g++) addGroup.Invoke(optimizer, [new[] { parameters[g] }, null]);
        GroupSnapshot.FromTorch(groups).Restore(optimizer);
        return optimizer;
    }

    private static Scheduler BuildScheduler(string name, JsonObject argsJson, Optimizer optimizer, JsonArray? subs)
    {
        var args = new Args(name, argsJson);
        Scheduler scheduler = name switch
        {
            "LambdaLR" => new LambdaLR(optimizer, args.Lambdas("lr_lambda", optimizer), args.Int("last_epoch", -1)),
            "MultiplicativeLR" => new MultiplicativeLR(optimizer, args.Lambdas("lr_lambda", optimizer), args.Int("last_epoch", -1)),
            "StepLR" => new StepLR(optimizer, args.Int("step_size"), args.Double("gamma", 0.1), args.Int("last_epoch", -1)),
            "MultiStepLR" => new MultiStepLR(optimizer, args.Ints("milestones"), args.Double("gamma", 0.1), args.Int("last_epoch", -1)),
            "ConstantLR" => new ConstantLR(optimizer, args.Double("factor", 1.0 / 3), args.Int("total_iters", 5), args.Int("last_epoch", -1)),
            "LinearLR" => new LinearLR(optimizer, args.Double("start_factor", 1.0 / 3), args.Double("end_factor", 1.0), args.Int("total_iters", 5), args.Int("last_epoch", -1)),
            "ExponentialLR" => new ExponentialLR(optimizer, args.Double("gamma"), args.Int("last_epoch", -1)),
            "PolynomialLR" => new PolynomialLR(optimizer, args.Int("total_iters", 5), args.Double("power", 1.0), args.Int("last_epoch", -1)),
            "CosineAnnealingLR" => new CosineAnnealingLR(optimizer, args.Int("T_max"), args.Double("eta_min", 0.0), args.Int("last_epoch", -1)),
            "CosineAnnealingWarmRestarts" => new CosineAnnealingWarmRestarts(optimizer, args.Int("T_0"), args.Int("T_mult", 1), args.Double("eta_min", 0.0), args.Int("last_epoch", -1)),
            "SequentialLR" => new SequentialLR(optimizer, SubSchedulers(subs!, optimizer), args.Ints("milestones"), args.Int("last_epoch", -1)),
            "ChainedScheduler" => new ChainedScheduler(SubSchedulers(subs!, optimizer), optimizer),
            "ReduceLROnPlateau" => Plateau(optimizer, args),
            "CyclicLR" => new CyclicLR(optimizer, args.PerGroup("base_lr", optimizer), args.PerGroup("max_lr", optimizer),
                args.Int("step_size_up", 2000), args.NullableInt("step_size_down"), args.String("mode", "triangular") switch
                {
                    "triangular" => CyclicMode.Triangular,
                    "triangular2" => CyclicMode.Triangular2,
                    _ => CyclicMode.ExpRange,
                },
                args.Double("gamma", 1.0), args.Function("scale_fn"), args.String("scale_mode", "cycle") == "cycle" ? CyclicScaleMode.Cycle : CyclicScaleMode.Iterations,
                args.Bool("cycle_momentum", true), args.PerGroup("base_momentum", optimizer, 0.8), args.PerGroup("max_momentum", optimizer, 0.9), args.Int("last_epoch", -1)),
            "OneCycleLR" => new OneCycleLR(optimizer, args.PerGroup("max_lr", optimizer), args.NullableInt("total_steps"), args.NullableInt("epochs"),
                args.NullableInt("steps_per_epoch"), args.Double("pct_start", 0.3), args.String("anneal_strategy", "cos") == "cos" ? AnnealStrategy.Cos : AnnealStrategy.Linear,
                args.Bool("cycle_momentum", true), args.PerGroup("base_momentum", optimizer, 0.85), args.PerGroup("max_momentum", optimizer, 0.95),
                args.Double("div_factor", 25.0), args.Double("final_div_factor", 1e4), args.Bool("three_phase", false), args.Int("last_epoch", -1)),
            "SWALR" => new SWALR(optimizer, args.PerGroup("swa_lr", optimizer), args.Int("anneal_epochs", 10),
                args.String("anneal_strategy", "cos") == "cos" ? AnnealStrategy.Cos : AnnealStrategy.Linear, args.Int("last_epoch", -1)),
            _ => throw new FormatException($"unknown scheduler '{name}'"),
        };
        args.End();
        return scheduler;
    }

    private static ReduceLROnPlateau Plateau(Optimizer optimizer, Args args)
    {
        var mode = args.String("mode", "min") == "min" ? PlateauMode.Min : PlateauMode.Max;
        double factor = args.Double("factor", 0.1);
        int patience = args.Int("patience", 10);
        double threshold = args.Double("threshold", 1e-4);
        var thresholdMode = args.String("threshold_mode", "rel") == "rel" ? ThresholdMode.Rel : ThresholdMode.Abs;
        int cooldown = args.Int("cooldown", 0);
        double eps = args.Double("eps", 1e-8);
        // One minimum for all groups and one per group are saved differently (default_min_lr), as in PyTorch.
        return args.IsList("min_lr")
            ? new ReduceLROnPlateau(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, args.PerGroup("min_lr", optimizer), eps)
            : new ReduceLROnPlateau(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, args.Double("min_lr", 0), eps);
    }

    private static LRScheduler[] SubSchedulers(JsonArray subs, Optimizer optimizer) =>
        [.. subs.Select(sub => (LRScheduler)BuildScheduler(sub!["scheduler"]!.GetValue<string>(), (JsonObject)sub["args"]!, optimizer, null))];

    /// <summary>The functions a case names (its script's table of lambdas), written with the same double operations.</summary>
    internal static Func<int, double> Function(JsonObject spec)
    {
        double Arg(string key) => CaseNumbers.Number(spec[key]);
        switch (spec["fn"]!.GetValue<string>())
        {
            case "power":
                double power = Arg("base");
                return e => Math.Pow(power, e);
            case "constant":
                double constant = Arg("value");
                return _ => constant;
            case "step_decay":
                double gamma = Arg("gamma");
                int every = (int)Arg("every");
                return e => Math.Pow(gamma, FloorDiv(e, every));
            case "linear_warmup":
                int linearWarmup = (int)Arg("warmup");
                return e => Math.Min(1.0, (double)(e + 1) / linearWarmup);
            case "inverse_sqrt":
                int sqrtWarmup = (int)Arg("warmup");
                return e => e + 1 <= sqrtWarmup ? (double)(e + 1) / sqrtWarmup : Math.Sqrt((double)sqrtWarmup / (e + 1));
            case "warmup_cosine":
                int warmup = (int)Arg("warmup");
                int total = (int)Arg("total");
                return e => e < warmup ? (double)e / warmup : 0.5 * (1.0 + Math.Cos(Math.PI * (e - warmup) / (total - warmup)));
            case var fn:
                throw new FormatException($"unknown function '{fn}'");
        }
    }

    private static int FloorDiv(int a, int b) => (int)Math.Floor((double)a / b);

    /// <summary>A scheduler's keyword arguments: each read once with PyTorch's default; an argument nobody reads fails the case.</summary>
    private sealed class Args(string scheduler, JsonObject json)
    {
        private readonly HashSet<string> read = [];

        public int Int(string key, int? fallback = null) => NullableInt(key) ?? fallback ?? throw Missing(key);

        public int? NullableInt(string key) => Take(key) is { } node && node.GetValueKind() != JsonValueKind.Null ? node.GetValue<int>() : null;

        public double Double(string key, double? fallback = null) => Take(key) is { } node ? CaseNumbers.Number(node) : fallback ?? throw Missing(key);

        public bool Bool(string key, bool fallback) => Take(key) is { } node ? node.GetValue<bool>() : fallback;

        public string String(string key, string fallback) => Take(key) is { } node ? node.GetValue<string>() : fallback;

        public int[] Ints(string key) => Take(key) is JsonArray array ? [.. array.Select(n => n!.GetValue<int>())] : throw Missing(key);

        public double[] PerGroup(string key, Optimizer optimizer, double? fallback = null) => Take(key) switch
        {
            JsonArray array => CaseNumbers.Numbers(array),
            { } node => Enumerable.Repeat(CaseNumbers.Number(node), optimizer.GroupCount).ToArray(),
            null => Enumerable.Repeat(fallback ?? throw Missing(key), optimizer.GroupCount).ToArray(),
        };

        public Func<int, double>[] Lambdas(string key, Optimizer optimizer) => Take(key) switch
        {
            JsonArray array => [.. array.Select(spec => ScheduleCase.Function((JsonObject)spec!))],
            JsonObject spec => Enumerable.Repeat(ScheduleCase.Function(spec), optimizer.GroupCount).ToArray(),
            _ => throw Missing(key),
        };

        public Func<double, double>? Function(string key)
        {
            if (Take(key) is not JsonObject spec) return null;
            var function = ScheduleCase.Function(spec);
            return x => function((int)x); // CyclicLR evaluates it at a cycle or iteration number
        }

        public bool IsList(string key) => json[key] is JsonArray;

        public void End()
        {
            foreach (var (key, _) in json)
                if (!read.Contains(key)) throw new FormatException($"{scheduler}: argument '{key}' is not supported by the replay");
        }

        private JsonNode? Take(string key)
        {
            read.Add(key);
            return json[key];
        }

        private FormatException Missing(string key) => new($"{scheduler}: argument '{key}' is required");
    }
}
