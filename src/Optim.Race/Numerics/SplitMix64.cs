namespace ScratchOptim.Race.Numerics;

/// <summary>
/// Steele, Lea and Flood's SplitMix64: a tiny generator whose sequence is fixed by its definition, so data made
/// from a seed is the same on every runtime (System.Random does not promise that).
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong state = seed;

    public ulong NextUInt64()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>), from the top 53 bits.</summary>
    public double NextDouble(double low, double high) => low + (high - low) * ((NextUInt64() >> 11) * (1.0 / (1UL << 53)));
}
