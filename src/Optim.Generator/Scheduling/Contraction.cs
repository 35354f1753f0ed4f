using System.Linq;
using ScratchOptim.Generator.Ir;

namespace ScratchOptim.Generator.Scheduling
{
    /// <summary>
    /// The rounding rules of per-element arithmetic that are not just "one operation, one rounding": IR → IR rewrites
    /// the scheduler applies to every expression that varies over the tensor.
    /// </summary>
    internal static class Contraction
    {
        /// <summary>
        /// Contracts multiply-adds to fused multiply-adds, bottom-up, by one rule: in <c>x + a * b</c> and
        /// <c>x - a * b</c> whose product varies over the tensor and is the right operand, the product is fused into the
        /// sum (<c>fma(a, b, x)</c>, <c>fma(-a, b, x)</c>). A product on the left, or one stored in a local first, is
        /// rounded on its own. This reproduces ATen's CPU kernels: <c>add_(y, alpha)</c> and <c>addcmul_</c> fuse,
        /// <c>addcdiv_</c> and separate tensor ops do not.
        /// </summary>
        public static Expr Fuse(Expr expr)
        {
            var contracted = Rebuild(expr, Fuse);
            if (contracted is Binary { Op: BinaryOp.Add or BinaryOp.Subtract } sum && VariesOverTensor(sum)
                && sum.Right is Binary { Op: BinaryOp.Multiply } product && VariesOverTensor(product))
            {
                var factor = sum.Op == BinaryOp.Add ? product.Left : new Unary(UnaryOp.Negate, product.Left, product.Left.Type);
                return new Call("Fma", new[] { factor, product.Right, sum.Left }.ToEquatableArray(), sum.Type);
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
            if (rewritten is Binary { Op: BinaryOp.Divide } quotient && VariesOverTensor(quotient) && quotient.Left.Type.IsUniform)
            {
                var reciprocal = new Call("Reciprocal", new[] { quotient.Right }.ToEquatableArray(), quotient.Type);
                return quotient.Left is Literal { Value: 1 }
                    ? reciprocal
                    : new Binary(BinaryOp.Multiply, reciprocal, quotient.Left, quotient.Type);
            }
            return rewritten;
        }

        /// <summary>Replaces each composite operator (<c>Norm</c>, <c>Mean</c>, …) by its definition in the catalogue.</summary>
        public static Expr Desugar(Expr expr)
        {
            var rewritten = Rebuild(expr, Desugar);
            return rewritten is Call call && Operators.Get(call.Operator).Lowered is { } definition
                ? Desugar(definition(call.Arguments[0]))
                : rewritten;
        }

        /// <summary>A numeric value of the element type that is not the same for the whole tensor.</summary>
        private static bool VariesOverTensor(Expr expr) => expr.Type.Scalar == Scalar.Element && !expr.Type.IsUniform;

        /// <summary>The same node with <paramref name="map"/> applied to each child (<see cref="IrWalker.Rebuild"/>).</summary>
        internal static Expr Rebuild(Expr expr, System.Func<Expr, Expr> map) => IrWalker.Rebuild(expr, map);
    }
}
