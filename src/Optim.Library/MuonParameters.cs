using System;
using System.Collections.Generic;

namespace ScratchOptim.Optimizers;

/// <summary>
/// Splits a model's parameters the way Muon is used: the 2-D weights of hidden layers to <see cref="Muon"/>, and
/// everything else to <see cref="AdamW"/>: biases and gains (fewer than two dimensions), the input embedding and the
/// output layer (2-D, but Muon's orthogonalized step suits neither a lookup table nor the logits), and tensors of more
/// than two dimensions (Muon takes matrices only).
/// </summary>
/// <example>
/// <code>
/// var (hidden, other) = MuonParameters.Split(model.Parameters);
/// var muon = new Muon(hidden, lr: 0.02, weightDecay: 0.01);
/// var adamW = new AdamW(other, lr: 3e-4, weightDecay: 0.01);
/// // each training step, after the backward pass:
/// muon.Step();
/// adamW.Step();
/// </code>
/// </example>
public static class MuonParameters
{
    /// <summary>
    /// The parameters for Muon and for AdamW, each in the order given. A parameter goes to Muon when it is 2-D and
    /// <paramref name="isEmbeddingOrOutput"/> says it is neither the embedding nor the output layer; by default that is
    /// judged from its name (<see cref="IsEmbeddingOrOutputByName"/>).
    /// </summary>
    /// <exception cref="ArgumentNullException">A list or a parameter in it is null.</exception>
    public static (IReadOnlyList<Parameter> Muon, IReadOnlyList<Parameter> AdamW) Split(
        IEnumerable<Parameter> parameters, Func<Parameter, bool>? isEmbeddingOrOutput = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        isEmbeddingOrOutput ??= IsEmbeddingOrOutputByName;
        var muon = new List<Parameter>();
        var adamW = new List<Parameter>();
        foreach (var parameter in parameters)
        {
            ArgumentNullException.ThrowIfNull(parameter, nameof(parameters));
            (parameter.Shape.Count == 2 && !isEmbeddingOrOutput(parameter) ? muon : adamW).Add(parameter);
        }
        return (muon, adamW);
    }

    /// <summary>
    /// The authors' single optimizer for a whole network, over <paramref name="parameters"/> split as
    /// <see cref="Split"/> splits them: a Muon group of the hidden matrices (<paramref name="muonLr"/>, momentum 0.95)
    /// and an Adam group of everything else (<paramref name="adamLr"/>, betas (0.9, 0.95), eps 1e-10), both with
    /// <paramref name="weightDecay"/>, as in the authors' example (KellerJordan/Muon). A group with no parameters is
    /// left out.
    /// </summary>
    /// <exception cref="ArgumentNullException">A list or a parameter in it is null.</exception>
    /// <exception cref="ArgumentException">There are no parameters, or a parameter is listed twice.</exception>
    public static MuonWithAuxAdam CreateWithAuxAdam(IEnumerable<Parameter> parameters, double muonLr = 0.02, double adamLr = 3e-4,
        double weightDecay = 0, Func<Parameter, bool>? isEmbeddingOrOutput = null)
    {
        var (muon, adam) = Split(parameters, isEmbeddingOrOutput);
        if (muon.Count == 0 && adam.Count == 0) throw new ArgumentException("There are no parameters to optimize.", nameof(parameters));
        var optimizer = muon.Count > 0
            ? new MuonWithAuxAdam(muon, useMuon: true, lr: muonLr, weightDecay: weightDecay)
            : new MuonWithAuxAdam(adam, useMuon: false, lr: adamLr, weightDecay: weightDecay);
        if (muon.Count > 0 && adam.Count > 0)
        {
            optimizer.AddParamGroup(adam, group =>
            {
                group.UseMuon = false;
                group.Lr = adamLr;
            });
        }
        return optimizer;
    }

    /// <summary>
    /// Whether a parameter's name marks it as an embedding or an output layer, as PyTorch models name them: a part of its
    /// dotted name (<c>transformer.wte.weight</c> has the parts <c>transformer</c>, <c>wte</c>, <c>weight</c>) contains
    /// <c>embed</c> or is <c>wte</c>, <c>wpe</c>, <c>head</c>, <c>lm_head</c>, <c>classifier</c> or <c>output</c>, in any
    /// case. An unnamed parameter is neither.
    /// </summary>
    public static bool IsEmbeddingOrOutputByName(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.Name is not { } name) return false;
        foreach (string part in name.Split('.'))
        {
            if (part.Contains("embed", StringComparison.OrdinalIgnoreCase)) return true;
            foreach (string marker in (string[])["wte", "wpe", "head", "lm_head", "classifier", "output"])
                if (string.Equals(part, marker, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
