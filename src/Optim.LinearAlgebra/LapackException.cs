using System;

namespace ScratchOptim.LinearAlgebra;

/// <summary>A LAPACK routine reported failure (its <c>INFO</c> argument was not 0).</summary>
public sealed class LapackException : Exception
{
    internal LapackException(string routine, int info, string meaning)
        : base($"LAPACK {routine} failed with INFO = {info}: {meaning}")
    {
        Routine = routine;
        Info = info;
    }

    /// <summary>The routine, e.g. <c>dsyevd</c>.</summary>
    public string Routine { get; }

    /// <summary>LAPACK's INFO: negative when an argument was illegal (a bug here), positive when the algorithm failed.</summary>
    public int Info { get; }
}
