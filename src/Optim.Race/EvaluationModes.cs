using System.Linq;

namespace ScratchOptim.Race;

/// <summary>
/// An optimizer with <c>Train</c> and <c>Eval</c> procedures (Schedule-Free) steps in train mode and is evaluated
/// at the point <c>Eval()</c> swaps into the parameters (its average x), as its authors' training loop does. The
/// switch happens only when the mode changes: a switch there and back is not exact in floating point. For any
/// other optimizer both are nothing.
/// </summary>
public sealed class EvaluationModes(Optimizer optimizer)
{
    private readonly bool has = optimizer.Info.Procedures.Any(p => p.Name == "Train") && optimizer.Info.Procedures.Any(p => p.Name == "Eval");
    private bool? training;

    /// <summary>Puts the parameters where the optimizer steps (y), unless they are there already.</summary>
    public void Train() => Switch(toTraining: true);

    /// <summary>Puts the parameters where the optimizer is evaluated (x), unless they are there already.</summary>
    public void Eval() => Switch(toTraining: false);

    private void Switch(bool toTraining)
    {
        if (!has || training == toTraining) return;
        optimizer.RunProcedure(toTraining ? "Train" : "Eval");
        training = toTraining;
    }
}
