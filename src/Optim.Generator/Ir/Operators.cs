using System.Collections.Generic;
using System.Linq;

namespace ScratchOptim.Generator.Ir
{
    /// <summary>What an operator of the catalogue does to index spaces.</summary>
    internal enum OperatorKind
    {
        /// <summary>Element-wise: the result varies where its arguments vary.</summary>
        Function,

        /// <summary>Combines the values of an index space into one per group, tensor, row or column (<see cref="Operator.ResultSpace"/>).</summary>
        Reduction,

        /// <summary>A property of the tensor's shape: one int per tensor.</summary>
        Shape,

        /// <summary>
        /// An operation on whole matrices (<see cref="Space.Matrix"/>): computed in host code by the linear-algebra
        /// library (<see cref="Operator.Library"/>), between element phases; <see cref="Operator.MatrixRule"/> gives the
        /// shape of its result.
        /// </summary>
        Matrix,
    }

    /// <summary>How a matrix operator's result shape follows from its matrix arguments.</summary>
    internal enum MatrixRule
    {
        /// <summary>Any shape; the result has its argument's.</summary>
        Same,

        /// <summary>Any shape; the result is its argument's transpose.</summary>
        Transposed,

        /// <summary>Square arguments, all of one shape, and a result of that shape.</summary>
        Square,

        /// <summary>A rows × columns argument, read as one row of all its elements (1 × elements).</summary>
        Flatten,

        /// <summary>A 1 × elements argument, read as the parameter's rows × columns.</summary>
        Unflatten,
    }

    /// <summary>
    /// One operator of the DSL: everything the generator knows about it, in one place. Parsing, type inference, the
    /// documentation (text and LaTeX), the reserved names, the diagnostics' wording and the CPU target's code are all
    /// derived from these entries; adding an operator means adding an entry here and its forms in the runtime's
    /// <c>ElementMath</c> (per element) and <c>VectorMath</c> (64 bytes at once).
    /// </summary>
    /// <param name="Name">The name in the DSL (<c>Intrinsics.Sqrt</c>) and in the generated loops.</param>
    /// <param name="Arity">How many arguments it takes.</param>
    /// <param name="Kind">How it maps index spaces.</param>
    /// <param name="Rounding">How it rounds, for the documentation.</param>
    /// <param name="Latex">Its LaTeX rendering; <c>{0}</c>, <c>{1}</c>… are the rendered arguments.</param>
    /// <param name="Uniform">Its step-uniform form in double precision (C#, arguments as <c>{0}</c>…), or null when it has none.</param>
    /// <param name="ResultSpace">For reductions: the space of the result.</param>
    /// <param name="Lowered">For composite reductions: its definition over <c>Sum</c>, <c>RowSum</c>… and shape queries, as a function of its argument.</param>
    internal sealed record Operator(
        string Name,
        int Arity,
        OperatorKind Kind,
        string Rounding,
        string Latex,
        string? Uniform,
        Space ResultSpace = Space.Element,
        System.Func<Expr, Expr>? Lowered = null)
    {
        /// <summary>Whether an update may call it (the rest are introduced by the generator's own rewrites).</summary>
        public bool InDsl { get; init; } = true;

        /// <summary>For a reduction: whether it keeps the largest value (of magnitudes) rather than adding them up.</summary>
        public bool TakesMaximum { get; init; }

        /// <summary>Whether it has per-element forms (in <c>ElementMath</c> and <c>VectorMath</c>) that the loops call by name.</summary>
        public bool PerElement { get; init; } = true;

        /// <summary>
        /// The argument whose step-uniform value the vector loop prepares once, before the loop, with <c>VectorMath</c>'s
        /// <c>Prepare</c> + <see cref="Name"/> (Lerp's weight, which alone decides each lane's form); -1 for none.
        /// </summary>
        public int PreparedArgument { get; init; } = -1;

        /// <summary>Why <see cref="PreparedArgument"/> is prepared, for the comment before the loop.</summary>
        public string? Preparation { get; init; }

        /// <summary>Whether <c>System.Math</c>'s method of the same name is accepted on step-uniform values.</summary>
        public bool InSystemMath { get; init; }

        /// <summary>How many leading arguments <see cref="Latex"/> writes next to something (a power's base, a product's factors)...</summary>
        public int LatexTightArguments { get; init; }

        /// <summary>...and the precedence they are rendered at, so they get parentheses when they bind looser.</summary>
        public int LatexTightPrecedence { get; init; }

        /// <summary>For matrix operators: how many leading arguments are matrices (the rest are step-uniform settings).</summary>
        public int MatrixArity { get; init; }

        /// <summary>For matrix operators: the shape of the result.</summary>
        public MatrixRule MatrixRule { get; init; }

        /// <summary>For matrix operators: the method of <c>ScratchOptim.LinearAlgebra.MatrixWorkspace&lt;T&gt;</c> that computes it.</summary>
        public string? Library { get; init; }

        public bool IsReduction => Kind == OperatorKind.Reduction;

        public bool IsMatrix => Kind == OperatorKind.Matrix;
    }

    /// <summary>The catalogue of operators.</summary>
    internal static class Operators
    {
        private const string Math = "global::System.Math.";

        public static readonly IReadOnlyList<Operator> All = new[]
        {
            new Operator("Sqrt", 1, OperatorKind.Function, "correctly rounded", @"\sqrt{{{0}}}", Math + "Sqrt({0})") { InSystemMath = true },
            new Operator("Abs", 1, OperatorKind.Function, "exact", @"\left|{0}\right|", Math + "Abs({0})") { InSystemMath = true },
            new Operator("Sign", 1, OperatorKind.Function, "exact: -1, 0 or 1, NaN for NaN (torch.sign)", @"\operatorname{{sign}}\left({0}\right)", "global::ScratchOptim.ElementMath.Sign({0})") { InSystemMath = true },
            new Operator("Min", 2, OperatorKind.Function, "exact; NaN if either is NaN (torch.minimum)", @"\min\left({0}, {1}\right)", Math + "Min({0}, {1})") { InSystemMath = true },
            new Operator("Max", 2, OperatorKind.Function, "exact; NaN if either is NaN (torch.maximum)", @"\max\left({0}, {1}\right)", Math + "Max({0}, {1})") { InSystemMath = true },
            new Operator("Clamp", 3, OperatorKind.Function, "exact: Min(Max(x, lo), hi)", @"\operatorname{{clamp}}\left({0}, {1}, {2}\right)", Math + "Min(" + Math + "Max({0}, {1}), {2})") { InSystemMath = true },
            new Operator("Pow", 2, OperatorKind.Function, "computed in double, rounded once", "{0}^{{{1}}}", Math + "Pow({0}, {1})") { InSystemMath = true, LatexTightArguments = 1, LatexTightPrecedence = 8 },
            new Operator("Exp", 1, OperatorKind.Function, "computed in double, rounded once", "e^{{{0}}}", Math + "Exp({0})") { InSystemMath = true },
            new Operator("Log", 1, OperatorKind.Function, "computed in double, rounded once", @"\log\left({0}\right)", Math + "Log({0})") { InSystemMath = true },
            new Operator("Cos", 1, OperatorKind.Function, "computed in double, rounded once", @"\cos\left({0}\right)", Math + "Cos({0})") { InSystemMath = true },
            new Operator("Sin", 1, OperatorKind.Function, "computed in double, rounded once", @"\sin\left({0}\right)", Math + "Sin({0})") { InSystemMath = true },
            new Operator("Fma", 3, OperatorKind.Function, "a * b + c rounded once", "{0} {1} + {2}", null) { LatexTightArguments = 2, LatexTightPrecedence = 6 },
            new Operator("Lerp", 3, OperatorKind.Function, "ATen's CPU lerp of PyTorch 2.x: end - start rounded, then one fused multiply-add (from start when |weight| < 0.5, else from end)",
                @"\operatorname{{lerp}}\left({0}, {1}, {2}\right)", "global::ScratchOptim.ElementMath.Lerp({0}, {1}, {2})") { PreparedArgument = 2, Preparation = "the weight alone decides each lane's form" },
            new Operator("Reciprocal", 1, OperatorKind.Function, "correctly rounded", @"\frac{{1}}{{{0}}}", "1.0 / {0}") { InDsl = false },
            new Operator("HasValue", 1, OperatorKind.Function, "exact", @"{0} \ne \text{{null}}", null) { InDsl = false, PerElement = false },

            new Operator("Sum", 1, OperatorKind.Reduction, "in a fixed order: 64-byte lanes over blocks of 4096 elements, lanes added pairwise, blocks in double",
                @"\sum {0}", null, Space.Tensor),
            new Operator("MaxAbs", 1, OperatorKind.Reduction, "exact (NaN if any is NaN)", @"\max\left|{0}\right|", null, Space.Tensor) { TakesMaximum = true },
            new Operator("Mean", 1, OperatorKind.Reduction, "Sum(x) / Count(x)", @"\operatorname{{mean}}\left({0}\right)", null, Space.Tensor,
                x => Divide(Reduce("Sum", x, Space.Tensor), Shape("Count", x))),
            new Operator("Norm", 1, OperatorKind.Reduction, "Sqrt(Sum(x * x))", @"\left\|{0}\right\|", null, Space.Tensor,
                x => new Call("Sqrt", new Expr[] { Reduce("Sum", Square(x), Space.Tensor) }.ToEquatableArray(), IrType.Double.In(Space.Tensor))),
            new Operator("RowSum", 1, OperatorKind.Reduction, "in column order", @"\sum_{{j}} {0}", null, Space.Row),
            new Operator("RowMean", 1, OperatorKind.Reduction, "RowSum(x) / Columns(x)", @"\operatorname{{mean}}_{{j}}\left({0}\right)", null, Space.Row,
                x => Divide(Reduce("RowSum", x, Space.Row), Shape("Columns", x))),
            new Operator("ColumnSum", 1, OperatorKind.Reduction, "in row order", @"\sum_{{i}} {0}", null, Space.Column),
            new Operator("ColumnMean", 1, OperatorKind.Reduction, "ColumnSum(x) / Rows(x)", @"\operatorname{{mean}}_{{i}}\left({0}\right)", null, Space.Column,
                x => Divide(Reduce("ColumnSum", x, Space.Column), Shape("Rows", x))),
            new Operator("RowMaxAbs", 1, OperatorKind.Reduction, "exact (NaN if any is NaN)", @"\max_{{j}}\left|{0}\right|", null, Space.Row) { TakesMaximum = true },
            new Operator("ColumnMaxAbs", 1, OperatorKind.Reduction, "exact (NaN if any is NaN)", @"\max_{{i}}\left|{0}\right|", null, Space.Column) { TakesMaximum = true },

            new Operator("GroupSum", 1, OperatorKind.Reduction,
                "in a fixed order: each tensor's share as Sum's (a per-tensor value as it is), added in double tensor by tensor in the group's order",
                @"\sum_{{\text{{group}}}} {0}", null, Space.Group),
            new Operator("GroupNorm", 1, OperatorKind.Reduction, "Sqrt(GroupSum(x * x))", @"\left\|{0}\right\|_{{\text{{group}}}}", null, Space.Group,
                x => new Call("Sqrt", new Expr[] { Reduce("GroupSum", Square(x), Space.Group) }.ToEquatableArray(), IrType.Double.In(Space.Group))),
            new Operator("GroupMaxAbs", 1, OperatorKind.Reduction, "exact (NaN if any is NaN)", @"\max_{{\text{{group}}}}\left|{0}\right|", null, Space.Group) { TakesMaximum = true },

            new Operator("Rank", 1, OperatorKind.Shape, "exact", @"\operatorname{{rank}}\left({0}\right)", null, Space.Tensor),
            new Operator("Count", 1, OperatorKind.Shape, "exact", @"\left|{0}\right|", null, Space.Tensor),
            new Operator("Rows", 1, OperatorKind.Shape, "exact", @"\operatorname{{rows}}\left({0}\right)", null, Space.Tensor),
            new Operator("Columns", 1, OperatorKind.Shape, "exact", @"\operatorname{{columns}}\left({0}\right)", null, Space.Tensor),
            new Operator("Epsilon", 1, OperatorKind.Shape, "exact: 2^-23 for float, 2^-52 for double (torch.finfo(dtype).eps)", @"\epsilon_{{\text{{mach}}}}", null, Space.Tensor),

            new Operator("Transpose", 1, OperatorKind.Matrix, "exact", @"{0}^{{\top}}", null, Space.Matrix)
                { MatrixArity = 1, MatrixRule = MatrixRule.Transposed, Library = "Transpose", PerElement = false, LatexTightArguments = 1, LatexTightPrecedence = 8 },
            new Operator("Flatten", 1, OperatorKind.Matrix, "exact: the same memory", @"\operatorname{{vec}}\left({0}\right)^{{\top}}", null, Space.Matrix)
                { MatrixArity = 1, MatrixRule = MatrixRule.Flatten, PerElement = false },
            new Operator("Unflatten", 1, OperatorKind.Matrix, "exact: the same memory", @"\operatorname{{vec}}^{{-1}}\left({0}\right)", null, Space.Matrix)
                { MatrixArity = 1, MatrixRule = MatrixRule.Unflatten, PerElement = false },
            new Operator("Orthogonalize", 8, OperatorKind.Matrix,
                "Newton–Schulz in the chosen precision (bfloat16: every operation rounded to bfloat16, products accumulated in float32), the result rounded to the element type",
                @"\operatorname{{NS}}_{{{1}}}\left({0}\right)", null, Space.Matrix)
                { MatrixArity = 1, MatrixRule = MatrixRule.Same, Library = "Orthogonalize", PerElement = false },
            new Operator("Eigenvectors", 1, OperatorKind.Matrix, "LAPACK ?syevd (torch.linalg.eigh), columns by eigenvalue from the largest down",
                @"\operatorname{{eigvecs}}\left({0}\right)", null, Space.Matrix)
                { MatrixArity = 1, MatrixRule = MatrixRule.Square, Library = "Eigenvectors", PerElement = false },
            new Operator("QrBasis", 1, OperatorKind.Matrix, "LAPACK ?geqrf + ?orgqr (torch.linalg.qr(A).Q)",
                @"\operatorname{{qr}}_Q\left({0}\right)", null, Space.Matrix)
                { MatrixArity = 1, MatrixRule = MatrixRule.Square, Library = "QrBasis", PerElement = false },
            new Operator("EigenvalueOrder", 2, OperatorKind.Matrix, "exact: a permutation, by the diagonal of basisᵀ·A·basis (two products), largest first, ties kept in order",
                @"\operatorname{{sort}}\left(\operatorname{{diag}}\left({1}^{{\top}} {0} {1}\right)\right)", null, Space.Matrix)
                { MatrixArity = 2, MatrixRule = MatrixRule.Square, Library = "EigenvalueOrder", PerElement = false },
        };

        private static readonly Dictionary<string, Operator> ByName = All.ToDictionary(o => o.Name);

        public static Operator Get(string name) => ByName[name];

        public static Operator? Find(string name) => ByName.TryGetValue(name, out var op) ? op : null;

        /// <summary>The operators an update may call, as the diagnostics list them.</summary>
        public static string DslList
        {
            get
            {
                var names = All.Where(o => o.InDsl).Select(o => o.Name).ToList();
                return string.Join(", ", names.Take(names.Count - 1)) + " and " + names[names.Count - 1];
            }
        }

        /// <summary>
        /// The type of a reduction's result: a per-tensor or per-group sum is a double (its blocks are added in double);
        /// a per-row or per-column one has the element type, as the row and column state it feeds.
        /// </summary>
        public static IrType ResultType(Operator reduction) =>
            new IrType(reduction.ResultSpace is Space.Tensor or Space.Group ? Scalar.Double : Scalar.Element, reduction.ResultSpace);

        /// <summary>Whether a call is a reduction over every tensor of the parameter group.</summary>
        public static bool IsGroupReduction(Call call) => Get(call.Operator) is { IsReduction: true, ResultSpace: Space.Group };

        private static Expr Reduce(string name, Expr argument, Space space) =>
            new Call(name, new[] { argument }.ToEquatableArray(), ResultType(Get(name)));

        private static Expr Shape(string name, Expr argument) =>
            new Call(name, new[] { argument }.ToEquatableArray(), IrType.Int.In(Space.Tensor));

        private static Expr Square(Expr x) => new Binary(BinaryOp.Multiply, x, x, x.Type);

        private static Expr Divide(Expr sum, Expr count) =>
            new Binary(BinaryOp.Divide, sum, new Convert(count, IrType.Double.In(Space.Tensor)), sum.Type);
    }
}
