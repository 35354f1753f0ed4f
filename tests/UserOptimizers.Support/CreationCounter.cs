namespace UserOptimizers.Support;

/// <summary>Counts the optimizers created, so a test can see this assembly was loaded and used.</summary>
public static class CreationCounter
{
    private static int created;

    /// <summary>How many optimizers of UserOptimizers were created in this load of the assembly.</summary>
    public static int Created => created;

    /// <summary>Counts one more.</summary>
    public static int Count() => System.Threading.Interlocked.Increment(ref created);
}
