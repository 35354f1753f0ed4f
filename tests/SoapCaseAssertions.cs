using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using ScratchOptim.Replay;
using Xunit;

namespace ScratchOptim.Testing;

/// <summary>
/// A SOAP replay against the authors' code (nikhilvyas/SOAP), compared within the case's tolerance: every step's
/// parameters, and the final state, which the authors keep in their own shape — Adam's moments as they are, lists of
/// statistics and bases (GG, Q: one matrix per preconditioned side, an empty list for a side without) against the lists
/// the replay makes of the matrix states of the sides this library preconditions, and the authors' step count, which
/// leaves out the first step. The replay's own verdict must agree. Compiled into each
/// test project that replays SOAP (a linked file): tests/Optim.Tests on OpenBLAS, tests/Optim.ReferenceBlas.Tests on the
/// reference BLAS.
/// </summary>
internal static class SoapCaseAssertions
{
    /// <summary>Replays <paramref name="reference"/>, asserts all of it within its tolerance, and returns the largest
    /// parameter difference over every step.</summary>
    public static double AssertReplaysWithinTolerance(ReferenceCase reference)
    {
        var result = CaseRunner.Run(reference);
        Assert.True(result.Status == ReplayStatus.Passed, $"{reference.Name}: {result.Status}: {result.Message}");
        var output = result.Output!;
        var recorded = (JsonArray)output["params"]!;
        for (int step = 0; step < reference.Params.Count; step++)
            for (int t = 0; t < reference.Shapes.Count; t++)
                AssertClose(reference, reference.Params[step][t], Numbers(recorded[step]![t]), $"step {step + 1}, tensor {t}");
        for (int t = 0; t < reference.Shapes.Count; t++)
        {
            string tensor = t.ToString(CultureInfo.InvariantCulture);
            var expected = (JsonObject)reference.FinalState[tensor]!;
            var actual = (JsonObject)output["final_state"]![tensor]!;
            Assert.Equal(expected["step"]!.GetValue<double>(), actual["step"]!.GetValue<double>());
            foreach (string moment in new[] { "exp_avg", "exp_avg_sq" })
                AssertClose(reference, Numbers(expected[moment]), Numbers(actual[moment]), $"final {moment} of tensor {t}");
            foreach (string list in new[] { "GG", "Q" })
            {
                var authors = ((JsonArray)expected[list]!).Select(Numbers).Where(m => m.Length > 0).ToList();
                var ours = actual[list] is JsonArray sides ? sides.Select(Numbers).ToList() : [];
                Assert.Equal(authors.Count, ours.Count);
                for (int side = 0; side < authors.Count; side++) AssertClose(reference, authors[side], ours[side], $"final {list}[{side}] of tensor {t}");
            }
        }
        return MaxParameterDifference(reference, output);
    }

    /// <summary>The largest |ours − reference| of any parameter after any step.</summary>
    public static double MaxParameterDifference(ReferenceCase reference, JsonObject output)
    {
        var recorded = (JsonArray)output["params"]!;
        double worst = 0;
        for (int step = 0; step < reference.Params.Count; step++)
            for (int t = 0; t < reference.Shapes.Count; t++)
                worst = Math.Max(worst, reference.Params[step][t].Zip(Numbers(recorded[step]![t]), (a, b) => Math.Abs(a - b)).Max());
        return worst;
    }

    /// <summary>Each element within the case's tolerance: |actual − expected| ≤ atol + rtol·|expected|.</summary>
    public static void AssertClose(ReferenceCase reference, double[] expected, double[] actual, string where)
    {
        var (rtol, atol) = reference.Tolerance!.Value;
        Assert.True(expected.Length == actual.Length, $"{reference.Name}, {where}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= atol + rtol * Math.Abs(expected[i]), $"{reference.Name}, {where}, element {i}: got {actual[i]:R}, expected {expected[i]:R}");
    }

    public static double[] Numbers(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
}
