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
                    case If branch:
                        Visit(branch.Condition, onExpression);
                        Visit(branch.Then, onStatement, onExpression);
                        Visit(branch.Else, onStatement, onExpression);
                        break;
                }
            }
        }

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
            }
        }
    }
}
