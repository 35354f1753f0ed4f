using System;

namespace ScratchOptim.Dsl
{
    /// <summary>
    /// A whole matrix in an optimizer declaration: an <see cref="Element"/> expression seen as the parameter's
    /// rows × columns matrix (an implicit conversion), a matrix state (<c>[State(Shape = StateShape.RowByRow)]</c>), or
    /// what the matrix operations make of them: products (<c>*</c> between matrices), <see cref="Intrinsics.Transpose"/>,
    /// sums, differences, scalings, <see cref="Intrinsics.Lerp(Matrix, Matrix, Element)"/>, and the linear-algebra
    /// intrinsics (<see cref="Intrinsics.Orthogonalize"/>, <see cref="Intrinsics.Eigenvectors"/>,
    /// <see cref="Intrinsics.QrBasis"/>, <see cref="Intrinsics.EigenvalueOrder"/>). A rows × columns matrix converts back
    /// to an <see cref="Element"/>: the element of the matrix at the element being updated.
    /// </summary>
    /// <remarks>
    /// Rows are all the parameter's dimensions but the last (1 for a vector), columns the last one, so an optimizer
    /// with matrix operations declares <c>[Optimizer(MaxRank = 2)]</c>, or does them under a rank guard such as
    /// <c>if (Rank(p) == 2)</c> (matrix state needs the declared range). A matrix has no value for one element: only the
    /// generated kernel evaluates it, with ScratchOptim.LinearAlgebra, between its loops over the elements.
    /// </remarks>
    public readonly struct Matrix
    {
        /// <summary>The matrix of an element expression's values over the whole parameter (rows × columns).</summary>
        public static implicit operator Matrix(Element element) => throw Whole("Converting an Element to a Matrix");

        /// <summary>The element of a rows × columns matrix at the element being updated.</summary>
        public static implicit operator Element(Matrix matrix) => throw Whole("Reading an element of a Matrix");

        /// <summary>The matrix product A·B (A's columns and B's rows must be the same side of the parameter).</summary>
        public static Matrix operator *(Matrix a, Matrix b) => throw Whole("A matrix product");

        /// <summary>The matrix product A·B, with B the matrix of an element expression.</summary>
        public static Matrix operator *(Matrix a, Element b) => throw Whole("A matrix product");

        /// <summary>The matrix product A·B, with A the matrix of an element expression.</summary>
        public static Matrix operator *(Element a, Matrix b) => throw Whole("A matrix product");

        /// <summary>Every element times a step-uniform scalar (rounded to the element type).</summary>
        public static Matrix operator *(double scalar, Matrix a) => throw Whole("Scaling a matrix");

        /// <summary>Every element times a step-uniform scalar (rounded to the element type).</summary>
        public static Matrix operator *(Matrix a, double scalar) => throw Whole("Scaling a matrix");

        /// <summary>Every element divided by a step-uniform scalar (rounded to the element type).</summary>
        public static Matrix operator /(Matrix a, double scalar) => throw Whole("Scaling a matrix");

        /// <summary>The element-wise sum of two matrices of the same shape.</summary>
        public static Matrix operator +(Matrix a, Matrix b) => throw Whole("A matrix sum");

        /// <summary>The element-wise sum, with B the matrix of an element expression.</summary>
        public static Matrix operator +(Matrix a, Element b) => throw Whole("A matrix sum");

        /// <summary>The element-wise sum, with A the matrix of an element expression.</summary>
        public static Matrix operator +(Element a, Matrix b) => throw Whole("A matrix sum");

        /// <summary>The element-wise difference of two matrices of the same shape.</summary>
        public static Matrix operator -(Matrix a, Matrix b) => throw Whole("A matrix difference");

        /// <summary>The element-wise difference, with B the matrix of an element expression.</summary>
        public static Matrix operator -(Matrix a, Element b) => throw Whole("A matrix difference");

        /// <summary>The element-wise difference, with A the matrix of an element expression.</summary>
        public static Matrix operator -(Element a, Matrix b) => throw Whole("A matrix difference");

        /// <summary>Every element negated.</summary>
        public static Matrix operator -(Matrix a) => throw Whole("Negating a matrix");

        internal static InvalidOperationException Whole(string what) =>
            new InvalidOperationException(what + " is evaluated over the whole matrix by the generated kernel; it has no value for one element.");
    }

    /// <summary>The arithmetic a matrix intrinsic runs in.</summary>
    public enum MatrixPrecision
    {
        /// <summary>The parameter's element type: float32 for float parameters, float64 for double ones.</summary>
        Element = 0,

        /// <summary>float32 whatever the parameter's type.</summary>
        Float32 = 1,

        /// <summary>
        /// PyTorch's bfloat16 on the CPU (every operation rounded to bfloat16, products accumulated in float32), as
        /// <c>torch.optim.Muon</c> runs its Newton–Schulz iteration for every parameter type.
        /// </summary>
        BFloat16 = 2,
    }

    /// <summary>How <see cref="Intrinsics.Orthogonalize"/> scales its input so that its spectral norm is at most 1.</summary>
    public enum MatrixNormalization
    {
        /// <summary>X / max(‖X‖_F, ε), as <c>torch.optim.Muon</c>.</summary>
        ClampedNorm = 0,

        /// <summary>X / (‖X‖_F + ε), as the authors' <c>zeropower_via_newtonschulz5</c> (KellerJordan/Muon).</summary>
        NormPlusEpsilon = 1,
    }
}
