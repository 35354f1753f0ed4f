namespace ScratchOptim.Training;

/// <summary>Python's integer floor division and modulo (rounding toward −∞), which C#'s <c>/</c> and <c>%</c> are not.</summary>
internal static class PyMath
{
    public static int FloorDiv(int a, int b)
    {
        int quotient = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? quotient - 1 : quotient;
    }

    public static int Mod(int a, int b)
    {
        int remainder = a % b;
        return remainder != 0 && ((remainder < 0) != (b < 0)) ? remainder + b : remainder;
    }
}
