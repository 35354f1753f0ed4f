using UserOptimizers.Support;

namespace UserOptimizers;

/// <summary>Besides its declaration, a user's optimizer may hold code of its own, here using another assembly.</summary>
public partial class SignDescent
{
    /// <summary>The number of SignDescent optimizers created so far, this one included.</summary>
    public int Number { get; } = CreationCounter.Count();
}
