using ScratchOptim.Generator.Model;

namespace ScratchOptim.Generator.Analysis
{
    /// <summary>
    /// The rounding rules of per-element arithmetic that are not just "one float operation per operator".
    /// </summary>
    internal static class Contraction
    {
        /// <summary>
        /// Contracts multiply-adds to fused multiply-adds, bottom-up, by one rule: in <c>x + a * b</c> and
        /// <c>x - a * b</c> whose product is per-element and is the right operand, the product is fused into the sum
        /// (<c>fma(a, b, x)</c>, <c>fma(-a, b, x)</c>). A product on the left, or one stored in a local first, is
        /// rounded on its own. This reproduces ATen's CPU kernels: <c>add_(y, alpha)</c> and <c>addcmul_</c> fuse,
        /// <c>addcdiv_</c> and separate tensor ops do not.
        /// </summary>
        public static Expr Fuse(Expr expr)
        {
            var contracted = Rebuild(expr, Fuse);
            if (contracted is Binary { Kind: ValueKind.Element, Op: BinaryOp.Add or BinaryOp.Subtract } sum
                && sum.Right is Binary { Kind: ValueKind.Element, Op: BinaryOp.Multiply } product)
            {
                var factor = sum.Op == BinaryOp.Add ? product.Left : new Unary(UnaryOp.Negate, product.Left, product.Left.Kind);
                return new Call(Intrinsic.Fma, new[] { factor, product.Right, sum.Left }.ToEquatableArray(), ValueKind.Element);
            }
            return contracted;
        }

        /// <summary>
        /// Rewrites <c>scalar / element</c> as <c>reciprocal(element) * scalar</c>, which is how PyTorch evaluates a
        /// Python number divided by a tensor (and how <c>Element</c>'s operator rounds).
        /// </summary>
        public static Expr ScalarDivision(Expr expr)
        {
            var rewritten = Rebuild(expr, ScalarDivision);
            if (rewritten is Binary { Op: BinaryOp.Divide, Kind: ValueKind.Element } quotient && quotient.Left.Kind.IsUniform())
            {
                var reciprocal = new Call(Intrinsic.Reciprocal, new[] { quotient.Right }.ToEquatableArray(), ValueKind.Element);
                return quotient.Left is Literal { Value: 1 }
                    ? reciprocal
                    : new Binary(BinaryOp.Multiply, reciprocal, quotient.Left, ValueKind.Element);
            }
            return rewritten;
        }

        /// <summary>The same node with <paramref name="map"/> applied to each child.</summary>
        internal static Expr Rebuild(Expr expr, System.Func<Expr, Expr> map) => expr switch
        {
            Unary unary => unary with { Operand = map(unary.Operand) },
            Binary binary => binary with { Left = map(binary.Left), Right = map(binary.Right) },
            Call call => call with { Arguments = System.Linq.Enumerable.Select(call.Arguments, map).ToEquatableArray() },
            Conditional conditional => conditional with
            {
                Condition = map(conditional.Condition),
                WhenTrue = map(conditional.WhenTrue),
                WhenFalse = map(conditional.WhenFalse),
            },
            Convert convert => convert with { Operand = map(convert.Operand) },
            _ => expr,
        };
    }
}
