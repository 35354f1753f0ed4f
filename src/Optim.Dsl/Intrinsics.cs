using System;

namespace ScratchOptim.Dsl
{
    /// <summary>
    /// The functions an update method may call (bring them in with <c>using static ScratchOptim.Dsl.Intrinsics;</c>).
    /// Each has a per-element form on <see cref="Element"/> and, where it makes sense, a step-uniform form on
    /// <c>double</c>. <c>System.Math</c>'s functions of the same names are accepted on step-uniform values too. The
    /// matrix operations (<see cref="Transpose"/>, <see cref="Orthogonalize"/>, <see cref="Eigenvectors"/>, …) take and
    /// return whole <see cref="Matrix"/> values.
    /// </summary>
    public static class Intrinsics
    {
        /// <summary>Square root, correctly rounded.</summary>
        public static Element Sqrt(Element x) => new Element((float)Math.Sqrt(x.Value));

        /// <summary>Square root in double precision.</summary>
        public static double Sqrt(double x) => Math.Sqrt(x);

        /// <summary>Absolute value.</summary>
        public static Element Abs(Element x) => new Element(Math.Abs(x.Value));

        /// <summary>Absolute value.</summary>
        public static double Abs(double x) => Math.Abs(x);

        /// <summary>-1, 0 or +1 by the sign of <paramref name="x"/>: 0 for ±0 and NaN for NaN, like <c>torch.sign</c>.</summary>
        public static Element Sign(Element x) => new Element(x.Value > 0f ? 1f : x.Value < 0f ? -1f : x.Value == 0f ? 0f : x.Value);

        /// <summary>-1, 0 or +1 by the sign of <paramref name="x"/>: 0 for ±0 and NaN for NaN.</summary>
        public static double Sign(double x) => x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : x;

        /// <summary>The smaller value (NaN if either is NaN; -0 is smaller than +0).</summary>
        public static Element Min(Element a, Element b) => new Element(Minimum(a.Value, b.Value));

        /// <summary>The smaller value.</summary>
        public static double Min(double a, double b) => Math.Min(a, b);

        /// <summary>The larger value (NaN if either is NaN; +0 is larger than -0).</summary>
        public static Element Max(Element a, Element b) => new Element(-Minimum(-a.Value, -b.Value));

        /// <summary>The larger value.</summary>
        public static double Max(double a, double b) => Math.Max(a, b);

        /// <summary><paramref name="x"/> limited to [<paramref name="lo"/>, <paramref name="hi"/>]: <c>Min(Max(x, lo), hi)</c>.</summary>
        public static Element Clamp(Element x, Element lo, Element hi) => Min(Max(x, lo), hi);

        /// <summary><paramref name="x"/> limited to [<paramref name="lo"/>, <paramref name="hi"/>].</summary>
        public static double Clamp(double x, double lo, double hi) => Math.Min(Math.Max(x, lo), hi);

        /// <summary><paramref name="x"/> raised to <paramref name="y"/>.</summary>
        public static Element Pow(Element x, Element y) => new Element((float)Math.Pow(x.Value, y.Value));

        /// <summary><paramref name="x"/> raised to <paramref name="y"/> in double precision.</summary>
        public static double Pow(double x, double y) => Math.Pow(x, y);

        /// <summary>e raised to <paramref name="x"/>.</summary>
        public static Element Exp(Element x) => new Element((float)Math.Exp(x.Value));

        /// <summary>e raised to <paramref name="x"/> in double precision.</summary>
        public static double Exp(double x) => Math.Exp(x);

        /// <summary>Natural logarithm.</summary>
        public static Element Log(Element x) => new Element((float)Math.Log(x.Value));

        /// <summary>Natural logarithm in double precision.</summary>
        public static double Log(double x) => Math.Log(x);

        /// <summary>Cosine of <paramref name="x"/> radians.</summary>
        public static Element Cos(Element x) => new Element((float)Math.Cos(x.Value));

        /// <summary>Cosine of <paramref name="x"/> radians in double precision: cosine schedules, <c>Cos(Math.PI * t / period)</c>.</summary>
        public static double Cos(double x) => Math.Cos(x);

        /// <summary>Sine of <paramref name="x"/> radians.</summary>
        public static Element Sin(Element x) => new Element((float)Math.Sin(x.Value));

        /// <summary>Sine of <paramref name="x"/> radians in double precision.</summary>
        public static double Sin(double x) => Math.Sin(x);

        /// <summary>
        /// <c>a * b + c</c> rounded once. Declarations rarely need it: the generator contracts multiply-adds by
        /// itself (see <see cref="Contraction"/>).
        /// </summary>
        public static Element Fma(Element a, Element b, Element c) => new Element(FusedMultiplyAdd(a.Value, b.Value, c.Value));

        /// <summary>
        /// Linear interpolation from <paramref name="start"/> towards <paramref name="end"/> by <paramref name="weight"/>,
        /// rounded as PyTorch's CPU <c>lerp</c>: <c>Fma(weight, end - start, start)</c> when |weight| &lt; 0.5, else
        /// <c>Fma(weight - 1, end - start, end)</c> (each form exact at its own end point), with <c>end - start</c> rounded
        /// once. <c>exp_avg.lerp_(grad, 1 - beta1)</c> is <c>m = Lerp(m, g, 1 - beta1)</c>. This is PyTorch 2.x's rule; 1.13
        /// takes the first form for every weight below 0.5, negative ones included (<c>start + weight * (end - start)</c>
        /// gives that rounding, contracted).
        /// </summary>
        public static Element Lerp(Element start, Element end, Element weight)
        {
            float difference = end.Value - start.Value;
            float w = weight.Value;
            return Math.Abs(w) < 0.5f
                ? new Element(FusedMultiplyAdd(w, difference, start.Value))
                : new Element(FusedMultiplyAdd(w - 1f, difference, end.Value));
        }

        /// <summary>
        /// A condition the step needs, checked before anything is written: when it is false for any parameter, Step()
        /// throws an <see cref="InvalidOperationException"/> with <paramref name="message"/> and updates nothing (e.g.
        /// Schedule-Free's <c>Require(trainMode != 0, "call Train() before Step()")</c>). It may appear only at the start of
        /// the update, on a step-uniform condition (hyperparameters, the step count, per-tensor float or double state, the
        /// parameter's shape: <c>Rank(p)</c>, <c>Count(p)</c>, <c>Rows(p)</c>, <c>Columns(p)</c>), with a constant message.
        /// </summary>
        public static void Require(bool condition, string message)
        {
            if (!condition) throw new InvalidOperationException(message);
        }

        /// <summary>The sum of <paramref name="x"/> over every element of the tensor (a double).</summary>
        public static double Sum(Element x) => throw Reduction(nameof(Sum));

        /// <summary>The mean of <paramref name="x"/> over every element of the tensor: <c>Sum(x) / Count(x)</c>.</summary>
        public static double Mean(Element x) => throw Reduction(nameof(Mean));

        /// <summary>The Euclidean norm of <paramref name="x"/> over the tensor: <c>Sqrt(Sum(x * x))</c>.</summary>
        public static double Norm(Element x) => throw Reduction(nameof(Norm));

        /// <summary>The largest absolute value of <paramref name="x"/> over the tensor (NaN if any is NaN).</summary>
        public static double MaxAbs(Element x) => throw Reduction(nameof(MaxAbs));

        /// <summary>Per row of the tensor seen as a matrix: the sum of <paramref name="x"/> over the row.</summary>
        public static Element RowSum(Element x) => throw Reduction(nameof(RowSum));

        /// <summary>Per row of the tensor seen as a matrix: the mean of <paramref name="x"/> over the row.</summary>
        public static Element RowMean(Element x) => throw Reduction(nameof(RowMean));

        /// <summary>Per column of the tensor seen as a matrix: the sum of <paramref name="x"/> over the column.</summary>
        public static Element ColumnSum(Element x) => throw Reduction(nameof(ColumnSum));

        /// <summary>Per column of the tensor seen as a matrix: the mean of <paramref name="x"/> over the column.</summary>
        public static Element ColumnMean(Element x) => throw Reduction(nameof(ColumnMean));

        /// <summary>Per row of the tensor seen as a matrix: the largest absolute value of <paramref name="x"/> in the row (NaN if any is NaN).</summary>
        public static Element RowMaxAbs(Element x) => throw Reduction(nameof(RowMaxAbs));

        /// <summary>Per column of the tensor seen as a matrix: the largest absolute value of <paramref name="x"/> in the column (NaN if any is NaN).</summary>
        public static Element ColumnMaxAbs(Element x) => throw Reduction(nameof(ColumnMaxAbs));

        /// <summary>
        /// The sum of <paramref name="x"/> over every element of every tensor of the parameter group that has a gradient
        /// (a double, the same for all of them): Prodigy's dot products, global gradient-norm clipping. A per-tensor
        /// value is summed once per tensor. The update runs across the whole group up to the point that needs it first.
        /// With <see cref="OptimizerAttribute.AcrossGroups"/>, the sum is over the tensors of every group.
        /// </summary>
        public static double GroupSum(Element x) => throw Reduction(nameof(GroupSum));

        /// <summary>The Euclidean norm of <paramref name="x"/> over the whole parameter group: <c>Sqrt(GroupSum(x * x))</c>.</summary>
        public static double GroupNorm(Element x) => throw Reduction(nameof(GroupNorm));

        /// <summary>The largest absolute value of <paramref name="x"/> over the whole parameter group (NaN if any is NaN).</summary>
        public static double GroupMaxAbs(Element x) => throw Reduction(nameof(GroupMaxAbs));

        /// <summary>The number of dimensions of the tensor <paramref name="x"/> belongs to.</summary>
        public static int Rank(Element x) => throw Reduction(nameof(Rank));

        /// <summary>
        /// How many values <paramref name="x"/> has: the tensor's elements, or its rows or columns for a per-row or
        /// per-column value.
        /// </summary>
        public static int Count(Element x) => throw Reduction(nameof(Count));

        /// <summary>The rows of the tensor seen as a matrix: the product of all its dimensions but the last (1 for a vector).</summary>
        public static int Rows(Element x) => throw Reduction(nameof(Rows));

        /// <summary>The columns of the tensor seen as a matrix: its last dimension (1 for a scalar).</summary>
        public static int Columns(Element x) => throw Reduction(nameof(Columns));

        /// <summary>
        /// The machine epsilon of the element type of the tensor <paramref name="x"/> belongs to (2^-23 for float, 2^-52
        /// for double), as <c>torch.finfo(dtype).eps</c>.
        /// </summary>
        public static double Epsilon(Element x) => throw Reduction(nameof(Epsilon));

        /// <summary>The transpose of <paramref name="a"/>: a rows × columns matrix becomes columns × rows.</summary>
        public static Matrix Transpose(Matrix a) => throw Matrix.Whole(nameof(Transpose));

        /// <summary>
        /// The rows × columns matrix <paramref name="a"/> as one row of all its elements (1 × rows·columns, row-major): the
        /// tensor flattened, as a preconditioner of all its elements at once sees it.
        /// </summary>
        public static Matrix Flatten(Matrix a) => throw Matrix.Whole(nameof(Flatten));

        /// <summary>A flattened matrix (1 × rows·columns) as the rows × columns matrix it came from.</summary>
        public static Matrix Unflatten(Matrix a) => throw Matrix.Whole(nameof(Unflatten));

        /// <summary>
        /// Linear interpolation between two matrices of the same shape, element by element, rounded as the element-wise
        /// <see cref="Lerp(Element, Element, Element)"/> (the weight is step-uniform).
        /// </summary>
        public static Matrix Lerp(Matrix start, Matrix end, Element weight) => throw Matrix.Whole(nameof(Lerp));

        /// <summary>
        /// Muon's orthogonalization: <paramref name="steps"/> quintic Newton–Schulz iterations
        /// X ← a·X + (b·A + c·A²)·X with A = X·Xᵀ, from X = <paramref name="x"/> scaled as <paramref name="normalization"/>
        /// says (transposed while it runs when it has more rows than columns). The result approximates U·Vᵀ for
        /// x = U·S·Vᵀ: every singular value moved near 1. Runs in <paramref name="precision"/>; the result has the
        /// element type.
        /// </summary>
        public static Matrix Orthogonalize(Matrix x, int steps, double a, double b, double c, double eps,
            MatrixNormalization normalization, MatrixPrecision precision) => throw Matrix.Whole(nameof(Orthogonalize));

        /// <summary>
        /// The eigenvectors of the symmetric square matrix <paramref name="symmetric"/> (its lower triangle is read), as the
        /// columns of the result, ordered by eigenvalue from the largest down (<c>torch.linalg.eigh</c>, flipped).
        /// </summary>
        public static Matrix Eigenvectors(Matrix symmetric) => throw Matrix.Whole(nameof(Eigenvectors));

        /// <summary>Q of the QR decomposition of the square matrix <paramref name="a"/>: orthonormal columns spanning a's (<c>torch.linalg.qr</c>).</summary>
        public static Matrix QrBasis(Matrix a) => throw Matrix.Whole(nameof(QrBasis));

        /// <summary>
        /// The permutation matrix P that orders the columns of <paramref name="basis"/> by the eigenvalue each estimates,
        /// the diagonal of basisᵀ·<paramref name="symmetric"/>·basis, from the largest down: basis·P is the sorted basis,
        /// and Pᵀ·X·P reorders what is expressed in that basis alike. Both are square, of the same shape.
        /// </summary>
        public static Matrix EigenvalueOrder(Matrix symmetric, Matrix basis) => throw Matrix.Whole(nameof(EigenvalueOrder));

        // Whole-tensor operations have no per-element meaning: only the generated kernel evaluates them.
        private static InvalidOperationException Reduction(string name) =>
            new InvalidOperationException(name + " is evaluated over the whole tensor by the generated kernel; it has no value for one element.");

        private static float Minimum(float a, float b)
        {
            if (float.IsNaN(a) || float.IsNaN(b)) return float.NaN;
            if (a == b) return IsNegative(a) ? a : b;
            return a < b ? a : b;
        }

        private static bool IsNegative(float x) => BitConverter.ToInt32(BitConverter.GetBytes(x), 0) < 0;

        // netstandard2.0 has no fused multiply-add. The product of two floats is exact in double; the sum is made
        // exact enough by rounding it to odd, so that the final rounding to float is the single correct rounding.
        private static float FusedMultiplyAdd(float a, float b, float c)
        {
            double product = (double)a * b;
            double sum = product + c;
            if (double.IsInfinity(sum) || double.IsNaN(sum)) return (float)sum;
            double error = (product - (sum - (sum - product))) + (c - (sum - product));
            long bits = BitConverter.DoubleToInt64Bits(sum);
            if (error != 0 && (bits & 1) == 0)
            {
                bool awayFromZero = (error > 0) == (sum > 0);
                bits += awayFromZero ? 1 : -1;
                sum = BitConverter.Int64BitsToDouble(bits);
            }
            return (float)sum;
        }
    }
}
