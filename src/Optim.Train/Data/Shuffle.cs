using ScratchOptim.Race.Numerics;

namespace ScratchOptim.Train.Data;

/// <summary>Orders fixed by a seed alone, the same on every runtime (SplitMix64, not System.Random).</summary>
public static class Shuffle
{
    /// <summary>0 … <paramref name="count"/> − 1 in the order a Fisher–Yates shuffle driven by <paramref name="random"/> leaves them.</summary>
    public static int[] Permutation(int count, SplitMix64 random)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        Permute(order, random);
        return order;
    }

    /// <summary>Shuffles <paramref name="items"/> in place.</summary>
    public static void Permute(int[] items, SplitMix64 random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)random.NextDouble(0, i + 1); // uniform in [0, i]: 53 random bits scaled down
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
