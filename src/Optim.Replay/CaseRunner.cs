using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text.Json.Nodes;
using ScratchOptim.Dsl;
using ScratchOptim.LinearAlgebra;
using ScratchOptim.Optimizers;

namespace ScratchOptim.Replay;

/// <summary>How a replayed case ended.</summary>
public enum ReplayStatus
{
    /// <summary>Every step's parameters and the final state match the reference (bit for bit unless the case has a tolerance).</summary>
    Passed,

    /// <summary>A value differs; <see cref="ReplayResult.Message"/> says where.</summary>
    Failed,

    /// <summary>Not run: the library has no such optimizer, or the case's dtype is not supported yet.</summary>
    Skipped,
}

/// <summary>The outcome of replaying one case, with the run's own record in the case format.</summary>
public sealed record ReplayResult(ReferenceCase Case, ReplayStatus Status, string Message, JsonObject? Output)
{
    /// <summary>The PyTorch arithmetic the replay reproduced (<c>"PyTorch 1.13"</c>, <c>"PyTorch 2.x"</c>), or null for a case that names no PyTorch release.</summary>
    public string? Reproduced { get; init; }
}

/// <summary>Runs reference cases through the library's optimizers and compares every step with the reference.</summary>
public static class CaseRunner
{
    /// <summary>
    /// torch.optim arguments that choose PyTorch's code path (for-each over tensors, CUDA graphs, autograd through the
    /// step, fused kernels), not its arithmetic: a replay ignores them unless the optimizer declares them.
    /// </summary>
    public static IReadOnlyList<string> CodePathOptions { get; } = ["foreach", "capturable", "differentiable", "fused"];

    /// <summary>
    /// Replays <paramref name="reference"/>: same initial parameters, same gradients, same number of steps, with the
    /// arithmetic of the PyTorch release the case's <c>reference</c> names (see <see cref="PyTorchVersionOf"/>).
    /// </summary>
    public static ReplayResult Run(ReferenceCase reference)
    {
        var result = reference.DType switch
        {
            "float32" => RunCase<float>(reference),
            "float64" => RunCase<double>(reference),
            _ => new(reference, ReplayStatus.Skipped, $"dtype {reference.DType} is not supported (float32 and float64 are)", null),
        };
        return result with { Reproduced = PyTorchVersionOf(reference, out _) is { } version ? Label(version) : null };
    }

    /// <summary>
    /// The PyTorch arithmetic a case asks for, by the release its <c>reference</c> names: 1.13 → <see cref="PyTorchVersion.V1_13"/>,
    /// any 2.x → <see cref="PyTorchVersion.V2"/>; null when it names no PyTorch release, or one that is not reproduced
    /// (then <paramref name="unsupported"/> says so).
    /// </summary>
    public static PyTorchVersion? PyTorchVersionOf(ReferenceCase reference, out string? unsupported)
    {
        unsupported = null;
        switch (reference.PyTorchRelease)
        {
            case null:
                return null;
            case var release when release.StartsWith("2.", StringComparison.Ordinal):
                return PyTorchVersion.V2;
            case var release when release == "1.13" || release.StartsWith("1.13.", StringComparison.Ordinal):
                return PyTorchVersion.V1_13;
            case var release:
                unsupported = $"PyTorch {release} is not reproduced (1.13 and 2.x are)";
                return null;
        }
    }

    /// <summary>How a replay names the PyTorch arithmetic it reproduced.</summary>
    public static string Label(PyTorchVersion version) => version == PyTorchVersion.V1_13 ? "PyTorch 1.13" : "PyTorch 2.x";

    private static ReplayResult RunCase<T>(ReferenceCase reference)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var entry = AuthorsCases.Optimizer(reference);
        if (entry is null)
            return new(reference, ReplayStatus.Skipped, $"no optimizer '{reference.Optimizer}' in the library", null);
        var version = PyTorchVersionOf(reference, out string? unsupported);
        if (unsupported is not null)
            return new(reference, ReplayStatus.Skipped, unsupported, null);

        var parameters = reference.Shapes
            .Select((shape, t) => new Parameter<T>(Values<T>(reference.Param0[t]), shape, $"tensor{t}"))
            .ToArray();
        var groups = reference.ParamGroups ?? [(Enumerable.Range(0, parameters.Length).ToArray(), [])];
        Optimizer optimizer;
        try
        {
            optimizer = entry.Create(groups[0].Tensors.Select(t => parameters[t]));
            for (int g = 1; g < groups.Count; g++) optimizer.AddGroup(groups[g].Tensors.Select(t => parameters[t]));
        }
        catch (ArgumentException exception)
        {
            return new(reference, ReplayStatus.Failed, exception.Message, null);
        }
        if (CaseProtocol.Missing(reference, optimizer) is { } missing)
            return new(reference, ReplayStatus.Failed, missing, null);
        for (int g = 0; g < groups.Count; g++)
        {
            var settings = optimizer.GroupHyperparameters(g);
            // Optimizers whose arithmetic differs between PyTorch releases have a PyTorchVersion setting; the others compute the same bits in both.
            if (version is { } chosen && optimizer.Info.Hyperparameters.FirstOrDefault(h => h.Type == nameof(PyTorchVersion)) is { } versionSetting)
                settings.Set(versionSetting.Name, chosen);
            foreach (var (name, value) in KeywordArguments.ImpliedBy(reference, optimizer.Info))
                settings.Set(name, value);
            // The constructor's arguments, then the group's own; the arguments of every step() (SophiaG's bs) are settings
            // here, as the constructor's are.
            foreach (var (name, value) in reference.HyperArguments().Concat(groups[g].Arguments).Concat(reference.StepArguments))
            {
                if (CodePathOptions.Contains(name) && !optimizer.Info.Hyperparameters.Any(h => h.Name == name || h.TorchName == name)) continue;
                if (KeywordArguments.HasNoEffect(name)) continue;
                try
                {
                    settings.Set(name, KeywordArguments.ValueFor(settings, name, value));
                }
                catch (ArgumentException exception)
                {
                    return new(reference, ReplayStatus.Failed, exception.Message, null);
                }
            }
        }

        var recorded = new JsonArray();
        var groupHistory = reference.GroupHistory is null ? null : new JsonArray();
        string? firstMismatch = null;
        if (reference.EvalParams is not null) optimizer.RunProcedure(CaseProtocol.Train);
        for (int step = 0; step < reference.Grads.Count; step++)
        {
            for (int t = 0; t < parameters.Length; t++)
                parameters[t].Grad = Values<T>(reference.Grads[step][t]);
            optimizer.Step();
            CaseProtocol.AfterStep(reference, step, optimizer, parameters);

            var stepValues = new JsonArray();
            for (int t = 0; t < parameters.Length; t++)
            {
                var values = Doubles<T>(parameters[t].Data.Span);
                stepValues.Add(Numbers(values));
                firstMismatch ??= Compare(reference, values, reference.Params[step][t], $"step {step + 1}, tensor {t}");
            }
            recorded.Add(stepValues);
            firstMismatch ??= CaseProtocol.CompareGroup(reference, step, optimizer, parameters);
            groupHistory?.Add(CaseProtocol.GroupValues(reference, optimizer));
        }

        JsonArray? evaluated = null;
        if (reference.EvalParams is { } evalParams)
        {
            // The averaged point, after the protocol's eval() following the last step.
            optimizer.RunProcedure(CaseProtocol.Eval);
            evaluated = [];
            for (int t = 0; t < parameters.Length; t++)
            {
                var values = Doubles<T>(parameters[t].Data.Span);
                evaluated.Add(Numbers(values));
                firstMismatch ??= Compare(reference, values, evalParams[t], $"after Eval(), tensor {t}");
            }
        }
        firstMismatch ??= CaseProtocol.CompareGroup(reference, null, optimizer, parameters);

        var finalState = new JsonObject();
        for (int t = 0; t < parameters.Length; t++)
        {
            var state = new JsonObject();
            if (optimizer.Info.StepState is { } stepName) state[stepName] = (double)optimizer.StepCount(parameters[t]);
            foreach (var info in optimizer.Info.States)
            {
                if (info.Layout == StateLayout.Group) continue;
                var values = optimizer.StateValues(parameters[t], info.Name);
                if (values.Length == 0) continue;
                if (ListItem(info.TorchName) is { } list)
                {
                    // A state named like GG[0] is one item of a list of tensors the authors keep under GG (SOAP's
                    // preconditioner sides); the list holds the items this tensor allocated, in declaration order.
                    if (state[list] is not JsonArray items) state[list] = items = [];
                    items.Add(Numbers(values));
                    continue;
                }
                state[info.TorchName] = info.Layout == StateLayout.Tensor ? values[0] : Numbers(values);
            }
            finalState[t.ToString(CultureInfo.InvariantCulture)] = state;
            firstMismatch ??= CompareState(reference, t, state, optimizer.Info);
        }

        var output = (JsonObject)reference.Json.DeepClone();
        output["reference"] = "ScratchOptim " + typeof(Optimizer).Assembly.GetName().Version + ", " + optimizer.Info.Name
            + (version is { } reproduced ? " (" + Label(reproduced) + " arithmetic)" : "");
        output["params"] = recorded;
        output["final_state"] = finalState;
        output.Remove("state_dtypes");
        if (reference.FinalGroup is not null) output["final_group"] = CaseProtocol.GroupValues(reference, optimizer);
        if (groupHistory is not null) output["group_history"] = groupHistory;
        if (evaluated is not null) output["extra"]!["eval_params_final"] = evaluated;
        return firstMismatch is null
            ? new(reference, ReplayStatus.Passed, $"{reference.Grads.Count} steps " + (reference.Tolerance is null ? "bit-exact" : "within tolerance"), output)
            : new(reference, ReplayStatus.Failed, firstMismatch + FusedKernelNote(reference, optimizer.Info) + LapackNote(optimizer.Info), output);
    }

    /// <summary>The case's numbers as <typeparamref name="T"/>: exact, since each is the value of a T.</summary>
    private static T[] Values<T>(double[] numbers)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => Array.ConvertAll(numbers, T.CreateTruncating);

    private static double[] Doubles<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var doubles = new double[values.Length];
        for (int i = 0; i < values.Length; i++) doubles[i] = double.CreateTruncating(values[i]);
        return doubles;
    }

    /// <summary>Why a case recorded with an ignored <c>fused=True</c> may differ; empty otherwise.</summary>
    private static string FusedKernelNote(ReferenceCase reference, OptimizerInfo info) =>
        reference.Hyper["fused"]?.GetValueKind() == System.Text.Json.JsonValueKind.True && !info.Hyperparameters.Any(h => h.TorchName == "fused")
            ? " (fused=True was ignored: ATen's fused CPU kernel rounds the elements after its last full vector differently from the single-tensor path this library reproduces)"
            : "";

    /// <summary>
    /// Why a case of an optimizer with eigenvector or QR bases may differ on this process's BLAS (OpenBLAS by default);
    /// empty otherwise. Where a statistic is rank-deficient, the basis of its null space is what the LAPACK library makes
    /// of the rounding, so only the library the case was recorded on reproduces it.
    /// </summary>
    private static string LapackNote(OptimizerInfo info) =>
        Blas.Provider != BlasProvider.Reference
        && info.MatrixOperations.Any(operation => operation.StartsWith("Eigenvectors(", StringComparison.Ordinal) || operation.StartsWith("QrBasis(", StringComparison.Ordinal))
            ? $" ({info.Name}'s eigenbases come from the LAPACK library, here OpenBLAS's: a case recorded on Netlib's reference BLAS and LAPACK, as the shared SOAP cases are, replays with {Blas.ProviderVariable}=reference)"
            : "";

    /// <summary>The list a state named <c>NAME[index]</c> is an item of (<c>NAME</c>), or null for a state of its own.</summary>
    private static string? ListItem(string torchName) =>
        torchName.EndsWith(']') && torchName.IndexOf('[') is > 0 and int open ? torchName[..open] : null;

    private static string? CompareState(ReferenceCase reference, int tensor, JsonObject state, OptimizerInfo info)
    {
        if (reference.FinalState[tensor.ToString(CultureInfo.InvariantCulture)] is not JsonObject expected) return null;
        foreach (var (name, value) in expected)
        {
            // A buffer no branch used with these settings is never allocated; the reference's still holds its initial value.
            if (state[name] is null && NeverWritten(info, name, value)) continue;
            // Likewise a list of tensors of which none was allocated (SOAP's GG and Q of a side it does not precondition).
            if (state[name] is null && value is JsonArray items && items.All(item => item is JsonArray { Count: 0 })) continue;
            // A setting the authors copy into each parameter's state (SOAP's precondition_frequency and shampoo_beta)
            // is the case's setting, not a result of the steps.
            if (state[name] is null && info.Hyperparameters.Any(h => h.TorchName == name)) continue;
            if (state[name] is not { } actual) return $"final state '{name}' of tensor {tensor} is missing";
            if (value is JsonArray != actual is JsonArray)
                return $"final state '{name}' of tensor {tensor} is {Kind(actual)}; the reference has {Kind(value)}";
            if (value is JsonArray list && list.Any(item => item is JsonArray))
            {
                // A list of tensors: the items this library allocated against the reference's non-empty ones, in order.
                var expectedItems = list.Where(item => item is JsonArray { Count: > 0 }).ToList();
                var actualItems = ((JsonArray)actual).ToList();
                if (actualItems.Count != expectedItems.Count)
                    return $"final state '{name}' of tensor {tensor}: {actualItems.Count} tensors, expected {expectedItems.Count}";
                for (int i = 0; i < expectedItems.Count; i++)
                {
                    var got = ReferenceCase.ReadNumbers(reference.Path, actualItems[i], name);
                    if (Compare(reference, got, ReferenceCase.ReadNumbers(reference.Path, expectedItems[i], name), $"final state '{name}[{i}]' of tensor {tensor}") is { } mismatch)
                        return mismatch;
                }
            }
            else if (value is JsonArray)
            {
                var got = ReferenceCase.ReadNumbers(reference.Path, actual, name);
                if (Compare(reference, got, ReferenceCase.ReadNumbers(reference.Path, value, name), $"final state '{name}' of tensor {tensor}") is { } mismatch)
                    return mismatch;
            }
            else if (Compare(reference, [actual.GetValue<double>()], [value!.GetValue<double>()], $"final state '{name}' of tensor {tensor}") is { } mismatch)
            {
                return mismatch;
            }
        }
        foreach (var (name, _) in state)
        {
            if (!expected.ContainsKey(name) && !CaseProtocol.ComparedElsewhere(reference, name))
                return $"final state '{name}' of tensor {tensor} is not in the reference";
        }
        return null;
    }

    /// <summary>Whether the reference's state <paramref name="name"/> still holds the initial value of the library's state of that name.</summary>
    private static bool NeverWritten(OptimizerInfo info, string name, JsonNode? value)
    {
        var state = info.States.FirstOrDefault(s => s.TorchName == name);
        if (state is null || !double.TryParse(state.Initial, NumberStyles.Float, CultureInfo.InvariantCulture, out double initial)) return false;
        return value is JsonArray values ? values.All(v => v?.GetValue<double>() == initial) : value?.GetValue<double>() == initial;
    }

    /// <summary>Compares values bit for bit, or within the case's tolerance when it has one; returns the first mismatch, or null.</summary>
    internal static string? Compare(ReferenceCase reference, double[] actual, double[] expected, string where)
    {
        if (actual.Length != expected.Length) return $"{where}: {actual.Length} values, expected {expected.Length}";
        for (int i = 0; i < actual.Length; i++)
        {
            double got = actual[i];
            double want = expected[i];
            bool equal = reference.Tolerance is { } tolerance
                ? Math.Abs(got - want) <= tolerance.Atol + tolerance.Rtol * Math.Abs(want)
                : got == want; // +0 == -0, as the format asks
            if (!equal)
                return $"{where}, element {i}: got {Format(got)}, expected {Format(want)}";
        }
        return null;
    }

    private static JsonArray Numbers(double[] values)
    {
        var array = new JsonArray();
        foreach (double value in values) array.Add(value);
        return array;
    }

    private static string Kind(JsonNode? value) => value is JsonArray ? "a tensor" : "a number";

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
