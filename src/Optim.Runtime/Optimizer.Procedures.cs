using System;
using System.Numerics;
using ScratchOptim.Simd;

namespace ScratchOptim;

public abstract partial class Optimizer
{
    /// <summary>
    /// Runs the procedure called <paramref name="name"/> (one of <see cref="OptimizerInfo.Procedures"/>), as its generated
    /// method does: for tools that handle optimizers they know only by name, such as the replay of reference cases.
    /// </summary>
    /// <exception cref="ArgumentException">The optimizer has no procedure of that name.</exception>
    /// <exception cref="InvalidOperationException">Another thread is stepping, loading, saving or running a procedure on this optimizer; nothing was changed.</exception>
    public void RunProcedure(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var procedures = Info.Procedures;
        for (int i = 0; i < procedures.Count; i++)
        {
            if (procedures[i].Name == name)
            {
                RunProcedureAt(i);
                return;
            }
        }
        string known = procedures.Count == 0 ? "none" : string.Join(", ", System.Linq.Enumerable.Select(procedures, p => p.Name));
        throw new ArgumentException($"{Info.Name} has no procedure '{name}' (it has {known}).", nameof(name));
    }

    /// <summary>Runs procedure number <paramref name="index"/> of <see cref="OptimizerInfo.Procedures"/>.</summary>
    private protected abstract void RunProcedureAt(int index);
}

public abstract partial class Optimizer<THyper>
{
    /// <summary>
    /// Runs procedure number <paramref name="index"/> of <see cref="OptimizerInfo.Procedures"/> over every parameter of
    /// every group, in group order, skipping those without a gradient when the procedure reads it: the body of each
    /// generated procedure method. Unlike <see cref="Step"/> it does not advance any step count.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread is stepping, loading, saving or running a procedure on this optimizer; nothing was changed.</exception>
    protected void RunProcedure(int index)
    {
        var procedure = Info.Procedures[index];
        Enter(procedure.Name);
        try
        {
            var groups = ParamGroups;
            for (int g = 0; g < groups.Count; g++)
            {
                var group = groups[g];
                var parameters = group.ParametersArray;
                for (int i = 0; i < parameters.Length; i++)
                {
                    if (procedure.ReadsGradient && !parameters[i].HasGrad) continue;
                    switch (parameters[i])
                    {
                        case Parameter<float> single:
                            DispatchProcedure(index, group.Hyper, group.States[i], single);
                            break;
                        case Parameter<double> real:
                            DispatchProcedure(index, group.Hyper, group.States[i], real);
                            break;
                    }
                }
            }
        }
        finally
        {
            Exit();
        }
    }

    private protected override void RunProcedureAt(int index) => RunProcedure(index);

    /// <summary>Runs a procedure's kernel on the chosen vectors, as a step's.</summary>
    private void DispatchProcedure<T>(int index, THyper hyper, ParameterState state, Parameter<T> parameter)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        switch (VectorWidth ?? SimdSupport.Widest<T>())
        {
            case SimdWidth.Bits512:
                ProcedureTensor<T, Simd512<T>>(index, hyper, state, parameter);
                break;
            case SimdWidth.Bits256:
                ProcedureTensor<T, Simd256x2<T>>(index, hyper, state, parameter);
                break;
            case SimdWidth.Scalar:
                ProcedureTensor<T, SimdScalar<T>>(index, hyper, state, parameter);
                break;
            default:
                ProcedureTensor<T, Simd128x4<T>>(index, hyper, state, parameter);
                break;
        }
    }

    /// <summary>
    /// Runs procedure number <paramref name="procedure"/> on one parameter with <typeparamref name="TVector"/> vectors of
    /// its elements. Optimizers whose declaration has procedures override it; the others have none to run.
    /// </summary>
    protected virtual void ProcedureTensor<T, TVector>(int procedure, THyper hyper, ParameterState state, Parameter<T> parameter)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, ISimd<TVector, T>
        => throw new ArgumentOutOfRangeException(nameof(procedure), procedure, $"{Info.Name} has no procedure {procedure}.");
}
