namespace ScratchOptim.Cli.Commands;

/// <summary>What the tool's exit code means.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran, and what it checked did not hold (e.g. a replayed case failed).</summary>
    public const int Failed = 1;

    /// <summary>The command did not run: bad arguments, unknown names, missing or corrupt files.</summary>
    public const int InvalidInput = 2;
}
