using System;

namespace ScratchOptim.Generator.Ir
{
    /// <summary>Visits every statement and expression of an update, in order.</summary>
    internal static class IrWalker
    {
        public static void Visit(EquatableArray<Stmt> body, Action<Stmt> onStatement, Action<Expr> onExpression)
        {
            foreach (var stmt in body)
            {
                onStatement(stmt);
                switch (stmt)
                {
                    case Assign assign:
                        if (assign.Value is not null) Visit(assign.Value, onExpression);
                        break;
                    case MatrixAssign matrix:
                        Visit(matrix.Value, onExpression);
                        break;
                    case If branch:
                        Visit(branch.Condition, onExpression);
                        Visit(branch.Then, onStatement, onExpression);
                        Visit(branch.Else, onStatement, onExpression);
                        break;
                }
            }
        }

        /// <summary>
        /// The same element-level node with <paramref name="map"/> applied to each operand; leaves, and matrix nodes (which the
        /// element rewrites leave to the matrix schedule), are returned as they are.
        /// </summary>
        public static Expr Rebuild(Expr expr, Func<Expr, Expr> map) => expr switch
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

        /// <summary>The direct operands of an expression.</summary>
        public static System.Collections.Generic.IEnumerable<Expr> Children(Expr expr)
        {
            switch (expr)
            {
                case Unary unary:
                    yield return unary.Operand;
                    break;
                case Binary binary:
                    yield return binary.Left;
                    yield return binary.Right;
                    break;
                case Call call:
                    foreach (var argument in call.Arguments) yield return argument;
                    break;
                case Conditional conditional:
                    yield return conditional.Condition;
                    yield return conditional.WhenTrue;
                    yield return conditional.WhenFalse;
                    break;
                case Convert convert:
                    yield return convert.Operand;
                    break;
                case AsMatrix matrix:
                    yield return matrix.Element;
                    break;
                case ElementOf element:
                    yield return element.Matrix;
                    break;
                case MatrixProduct product:
                    yield return product.Left;
                    yield return product.Right;
                    break;
                case MatrixCall call:
                    foreach (var argument in call.Matrices) yield return argument;
                    foreach (var setting in call.Settings) yield return setting;
                    break;
                case MatrixMap map:
                    yield return map.Body;
                    foreach (var operand in map.Operands) yield return operand;
                    break;
            }
        }

        public static void Visit(Expr expr, Action<Expr> onExpression)
        {
            onExpression(expr);
            switch (expr)
            {
                case Unary unary:
                    Visit(unary.Operand, onExpression);
                    break;
                case Binary binary:
                    Visit(binary.Left, onExpression);
                    Visit(binary.Right, onExpression);
                    break;
                case Call call:
                    foreach (var argument in call.Arguments) Visit(argument, onExpression);
                    break;
                case Conditional conditional:
                    Visit(conditional.Condition, onExpression);
                    Visit(conditional.WhenTrue, onExpression);
                    Visit(conditional.WhenFalse, onExpression);
                    break;
                case Convert convert:
                    Visit(convert.Operand, onExpression);
                    break;
                case AsMatrix or ElementOf or MatrixProduct or MatrixCall or MatrixMap:
                    foreach (var child in Children(expr)) Visit(child, onExpression);
                    break;
            }
        }
    }
}
