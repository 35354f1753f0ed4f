using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ScratchOptim.Generator.Diagnostics;
using ScratchOptim.Generator.Ir;

namespace ScratchOptim.Generator.Syntax
{
    /// <summary>
    /// Lowering of the DSL's <c>Matrix</c> values: matrix states and locals, products, transposes, element-wise sums,
    /// scalings and <c>Lerp</c>, and the linear-algebra intrinsics. An <c>Element</c> expression used as a matrix becomes
    /// <see cref="AsMatrix"/>; a rows × columns matrix read as an element becomes <see cref="ElementOf"/>. Shapes are
    /// checked here, symbolically (OPT051), as is every other misuse (OPT050, OPT052, OPT053).
    /// </summary>
    internal sealed partial class UpdateLowering
    {
        private readonly Dictionary<ILocalSymbol, MatrixShape> matrixLocals = new Dictionary<ILocalSymbol, MatrixShape>(SymbolEqualityComparer.Default);
        private bool reportedMatrixSetup;

        /// <summary>The optimizer's class name, for the diagnostics.</summary>
        public string Optimizer { get; set; } = "";

        /// <summary>The most dimensions a parameter may have: a matrix operation needs at most 2 (OPT050).</summary>
        public int MaxRank { get; set; } = int.MaxValue;

        /// <summary>
        /// The most dimensions the parameter can have where the statement being lowered runs, as the rank guards of the
        /// enclosing ifs say (<c>if (Rank(p) == 2)</c>); unbounded outside any.
        /// </summary>
        private int guardedMaxRank = int.MaxValue;

        /// <summary>The bool locals of the update set once, where they are declared, by value: a rank guard may name one.</summary>
        private readonly Dictionary<string, Expr> guardLocals = new Dictionary<string, Expr>();

        /// <summary>OPT050's advice for an operation, which a rank guard can fence in.</summary>
        private const string GuardAdvice = ", or do it only under a rank guard such as 'if (Rank(p) == 2)'";

        /// <summary>OPT050's advice for matrix state, which no guard can fence in.</summary>
        private const string StateAdvice = "; matrix state is kept for every parameter whichever branch its step takes, so a rank guard does not limit it";

        private bool IsMatrix(ExpressionSyntax expression) =>
            DslNames.Is(semanticModel.GetTypeInfo(expression, cancellationToken).Type, DslNames.Matrix);

        /// <summary><c>Matrix x = value;</c>: a local that holds a whole matrix, assigned again anywhere in its scope.</summary>
        private void LowerMatrixDeclaration(VariableDeclaratorSyntax variable, ILocalSymbol local, List<Stmt> output)
        {
            if (variable.Initializer is null)
            {
                Report(Descriptors.MatrixUse, variable, variable.ToString(),
                    "declares a Matrix local without a value; give it its first value where it is declared");
                return;
            }
            if (matrixLocals.Keys.Any(other => other.Name == local.Name))
            {
                // The generated code declares each matrix where the update does, in one scope: each name once.
                Report(Descriptors.MatrixUse, variable.Identifier, local.Name,
                    "is the name of another Matrix local of the update; give each Matrix local a name of its own");
                return;
            }
            var value = LowerMatrix(variable.Initializer.Value);
            if (value is null) return;
            matrixLocals[local] = value.Shape;
            output.Add(new MatrixAssign(new MatrixVariable(VariableRole.Local, local.Name, value.Shape), value, Declares: true));
        }

        /// <summary><c>target = value;</c> for a matrix state or local; the value must have the target's shape.</summary>
        private void LowerMatrixAssignment(AssignmentExpressionSyntax assignment, bool compound, List<Stmt> output)
        {
            if (compound)
            {
                Report(Descriptors.UnsupportedExpression, assignment, assignment.ToString() + " (write the matrix assignment out: x = x + y)");
                return;
            }
            var symbol = semanticModel.GetSymbolInfo(assignment.Left, cancellationToken).Symbol;
            MatrixVariable? target = symbol switch
            {
                IFieldSymbol field when states.TryGetValue(field.Name, out var state) && state.Matrix is { } shape => new MatrixVariable(VariableRole.State, field.Name, shape),
                ILocalSymbol local when matrixLocals.TryGetValue(local, out var shape) => new MatrixVariable(VariableRole.Local, local.Name, shape),
                _ => null,
            };
            if (target is null)
            {
                // A field that is not a matrix state, or a local already reported where it was declared.
                if (symbol is IFieldSymbol other && !invalidFields.Contains(other.Name)) Report(Descriptors.ForeignMember, assignment.Left, other.Name);
                return;
            }
            var value = LowerMatrix(assignment.Right);
            if (value is null) return;
            if (target.Role == VariableRole.State && !CheckMatrixState(assignment.Left, target.Name)) return;
            if (value.Shape != target.Shape)
            {
                Report(Descriptors.MatrixShapeMismatch, assignment.Right, assignment.Right.ToString(),
                    "is a " + value.Shape + " matrix, but '" + target.Name + "' is " + target.Shape);
                return;
            }
            output.Add(new MatrixAssign(target, value, Declares: false));
        }

        /// <summary>A matrix read as an element: it must have the parameter's shape.</summary>
        private Expr? LowerElementOf(ExpressionSyntax expression)
        {
            var matrix = LowerMatrix(expression);
            if (matrix is null) return null;
            if (matrix.Shape != MatrixShape.Parameter)
            {
                Report(Descriptors.MatrixShapeMismatch, expression, expression.ToString(),
                    "is a " + matrix.Shape + " matrix, read here as an element of the parameter; only a rows × columns matrix has one value per element");
                return null;
            }
            return matrix is AsMatrix { Element: var element } ? element : new ElementOf(matrix);
        }

        /// <summary>An expression used as a whole matrix.</summary>
        private MatrixExpr? LowerMatrix(ExpressionSyntax expression)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!IsMatrix(expression))
            {
                // An Element expression, converted: the matrix of its values.
                var element = Lower(expression);
                if (element is null) return null;
                if (element is ElementOf read) return read.Matrix;
                if (element.Type.Space != Space.Element || element.Type.IsBoolean)
                {
                    Report(Descriptors.MatrixUse, expression, expression.ToString(),
                        "is the same for every element, so it is no matrix; a matrix is made of per-element values (the parameter, its gradient, element state)");
                    return null;
                }
                return new AsMatrix(element);
            }

            if (!CheckMatrixSetup(expression)) return null;
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return LowerMatrix(parenthesized.Expression);
                case CastExpressionSyntax cast:
                    return LowerMatrix(cast.Expression);
                case IdentifierNameSyntax:
                case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }:
                    return LowerMatrixName(expression);
                case BinaryExpressionSyntax binary:
                    return LowerMatrixBinary(binary);
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } negation:
                    var negated = LowerMatrix(negation.Operand);
                    return negated is null ? null : Map(operands => new Unary(UnaryOp.Negate, operands[0], IrType.Element), negated);
                case InvocationExpressionSyntax invocation:
                    return LowerMatrixCall(invocation);
                default:
                    Report(Descriptors.UnsupportedExpression, expression, expression.ToString());
                    return null;
            }
        }

        /// <summary>
        /// The first matrix operation of the update checks what every one needs: a rank range that makes the parameter a
        /// matrix (OPT050) and the linear-algebra library (OPT053). Reported once each.
        /// </summary>
        private bool CheckMatrixSetup(ExpressionSyntax expression)
        {
            if (Procedure is not null) return RefuseInProcedure(expression, "works on '" + expression + "' as a whole matrix");
            bool bounded = System.Math.Min(MaxRank, guardedMaxRank) <= 2;
            bool ready = bounded && semanticModel.Compilation.GetTypeByMetadataName(DslNames.MatrixWorkspace) is not null;
            if (ready || reportedMatrixSetup) return ready;
            reportedMatrixSetup = true;
            if (!bounded)
                Report(Descriptors.MatrixRank, expression, expression.ToString(), Optimizer, GuardAdvice);
            else
                Report(Descriptors.LinearAlgebraMissing, expression, expression.ToString());
            return false;
        }

        /// <summary>
        /// Matrix state needs the declared rank range, not a guard: its rows × rows (or columns × columns) values are kept
        /// for every parameter, and for a parameter of three or more dimensions the rows are all of them but the last.
        /// </summary>
        private bool CheckMatrixState(SyntaxNode use, string state)
        {
            if (Procedure is not null) return RefuseInProcedure(use, "uses the matrix state '" + state + "'");
            if (MaxRank <= 2) return true;
            if (!reportedMatrixSetup) Report(Descriptors.MatrixRank, use, state, Optimizer, StateAdvice);
            reportedMatrixSetup = true;
            return false;
        }

        /// <summary>
        /// A procedure's kernel is one element loop per tensor, without the matrix workspace a step's matrix phases have
        /// (OPT045). Reported once.
        /// </summary>
        private bool RefuseInProcedure(SyntaxNode use, string what)
        {
            if (!reportedMatrixSetup) Report(Descriptors.MatrixInProcedure, use, Procedure!, what);
            reportedMatrixSetup = true;
            return false;
        }

        /// <summary>Lowers a branch with the rank bound its condition gives when it <paramref name="holds"/> (or not).</summary>
        private EquatableArray<Stmt> UnderRankGuard(Expr? condition, bool holds, System.Func<EquatableArray<Stmt>> lower)
        {
            int outer = guardedMaxRank;
            if (condition is not null) guardedMaxRank = System.Math.Min(outer, RankBound(condition, holds));
            try
            {
                return lower();
            }
            finally
            {
                guardedMaxRank = outer;
            }
        }

        /// <summary>
        /// The most dimensions a parameter can have when <paramref name="condition"/> evaluates to <paramref name="holds"/>:
        /// a comparison of <c>Rank(x)</c> with a constant bounds it, <c>!</c>, <c>&amp;&amp;</c> and <c>||</c> combine
        /// bounds, a bool local set once stands for its value; anything else leaves it unbounded.
        /// </summary>
        private int RankBound(Expr condition, bool holds)
        {
            switch (condition)
            {
                case Variable { Role: VariableRole.Local } local when guardLocals.TryGetValue(local.Name, out var value):
                    return RankBound(value, holds);
                case Unary { Op: UnaryOp.Not } not:
                    return RankBound(not.Operand, !holds);
                case Binary { Op: BinaryOp.And or BinaryOp.Or } logic:
                    int left = RankBound(logic.Left, holds), right = RankBound(logic.Right, holds);
                    // A true && (or a false ||) means both sides do: each bound holds. Otherwise either side may be the one.
                    return (logic.Op == BinaryOp.And) == holds ? System.Math.Min(left, right) : System.Math.Max(left, right);
                case Binary { Left: var rank, Right: Literal constant } comparison when IsRank(rank):
                    return ComparisonBound(comparison.Op, constant.Value, holds);
                case Binary { Left: Literal constant, Right: var rank } comparison when IsRank(rank):
                    return ComparisonBound(Mirrored(comparison.Op), constant.Value, holds);
                default:
                    return int.MaxValue;
            }
        }

        private static bool IsRank(Expr expression) =>
            expression is Call { Operator: "Rank" } or Ir.Convert { Operand: Call { Operator: "Rank" } };

        /// <summary>The bound that <c>rank op constant</c> (or its negation) gives.</summary>
        private static int ComparisonBound(BinaryOp op, double constant, bool holds)
        {
            if (double.IsNaN(constant)) return int.MaxValue;
            if (!holds)
            {
                op = op switch
                {
                    BinaryOp.Equal => BinaryOp.NotEqual,
                    BinaryOp.NotEqual => BinaryOp.Equal,
                    BinaryOp.Less => BinaryOp.GreaterOrEqual,
                    BinaryOp.LessOrEqual => BinaryOp.Greater,
                    BinaryOp.Greater => BinaryOp.LessOrEqual,
                    BinaryOp.GreaterOrEqual => BinaryOp.Less,
                    _ => op,
                };
            }
            double bound = op switch
            {
                BinaryOp.Equal or BinaryOp.LessOrEqual => System.Math.Floor(constant),
                BinaryOp.Less => System.Math.Ceiling(constant) - 1,
                _ => double.PositiveInfinity,
            };
            return bound >= int.MaxValue ? int.MaxValue : (int)System.Math.Max(-1, bound);
        }

        private static BinaryOp Mirrored(BinaryOp op) => op switch
        {
            BinaryOp.Less => BinaryOp.Greater,
            BinaryOp.LessOrEqual => BinaryOp.GreaterOrEqual,
            BinaryOp.Greater => BinaryOp.Less,
            BinaryOp.GreaterOrEqual => BinaryOp.LessOrEqual,
            _ => op,
        };

        private MatrixExpr? LowerMatrixName(ExpressionSyntax name)
        {
            switch (semanticModel.GetSymbolInfo(name, cancellationToken).Symbol)
            {
                case IFieldSymbol field when states.TryGetValue(field.Name, out var state) && state.Matrix is { } shape:
                    return CheckMatrixState(name, field.Name) ? new MatrixVariable(VariableRole.State, field.Name, shape) : null;
                case ILocalSymbol local when matrixLocals.TryGetValue(local, out var shape):
                    return new MatrixVariable(VariableRole.Local, local.Name, shape);
                case IFieldSymbol field when invalidFields.Contains(field.Name):
                    return null;
                case ILocalSymbol:
                    return null; // its declaration was reported
                case { } other:
                    Report(Descriptors.ForeignMember, name, other.Name);
                    return null;
                default:
                    Report(Descriptors.UnsupportedExpression, name, name.ToString());
                    return null;
            }
        }

        /// <summary>
        /// <c>A * B</c> (a product, or a scaling when one side is a double), <c>A / s</c>, <c>A + B</c>, <c>A - B</c>: which one
        /// is the operator C# chose, from the Matrix type's overloads.
        /// </summary>
        private MatrixExpr? LowerMatrixBinary(BinaryExpressionSyntax binary)
        {
            var op = semanticModel.GetSymbolInfo(binary, cancellationToken).Symbol as IMethodSymbol;
            bool scalarLeft = op?.Parameters[0].Type.SpecialType == SpecialType.System_Double;
            bool scalarRight = op?.Parameters.Length == 2 && op.Parameters[1].Type.SpecialType == SpecialType.System_Double;
            switch (binary.Kind())
            {
                case SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression when scalarLeft || scalarRight:
                    var scalar = Lower(scalarLeft ? binary.Left : binary.Right);
                    var scaled = LowerMatrix(scalarLeft ? binary.Right : binary.Left);
                    if (scalar is null || scaled is null) return null;
                    if (!scalar.Type.IsUniform)
                    {
                        Report(Descriptors.ElementCondition, scalarLeft ? binary.Left : binary.Right, (scalarLeft ? binary.Left : binary.Right).ToString(), "a matrix's scale");
                        return null;
                    }
                    var operation = binary.IsKind(SyntaxKind.DivideExpression) ? BinaryOp.Divide : BinaryOp.Multiply;
                    return Map(operands => scalarLeft
                        ? new Binary(operation, scalar, operands[0], IrType.Element)
                        : new Binary(operation, operands[0], scalar, IrType.Element), scaled);
                case SyntaxKind.MultiplyExpression:
                    var left = LowerMatrix(binary.Left);
                    var right = LowerMatrix(binary.Right);
                    if (left is null || right is null) return null;
                    if (left.Shape.Columns != right.Shape.Rows)
                    {
                        Report(Descriptors.MatrixShapeMismatch, binary, binary.ToString(),
                            "multiplies a " + left.Shape + " matrix by a " + right.Shape + " one; the left one's columns must be the right one's rows (the same side of the parameter)");
                        return null;
                    }
                    return new MatrixProduct(left, right);
                case SyntaxKind.AddExpression or SyntaxKind.SubtractExpression:
                    var first = LowerMatrix(binary.Left);
                    var second = LowerMatrix(binary.Right);
                    if (first is null || second is null) return null;
                    if (first.Shape != second.Shape)
                    {
                        Report(Descriptors.MatrixShapeMismatch, binary, binary.ToString(),
                            (binary.IsKind(SyntaxKind.AddExpression) ? "adds" : "subtracts") + " matrices of different shapes, " + first.Shape + " and " + second.Shape + "; element by element they must have the same");
                        return null;
                    }
                    var sum = binary.IsKind(SyntaxKind.AddExpression) ? BinaryOp.Add : BinaryOp.Subtract;
                    return Map(operands => new Binary(sum, operands[0], operands[1], IrType.Element), first, second);
                default:
                    Report(Descriptors.UnsupportedExpression, binary, binary.ToString());
                    return null;
            }
        }

        /// <summary>An intrinsic that returns a matrix: the linear-algebra operators of the catalogue, or <c>Lerp</c> on matrices.</summary>
        private MatrixExpr? LowerMatrixCall(InvocationExpressionSyntax invocation)
        {
            var method = semanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol as IMethodSymbol;
            var arguments = invocation.ArgumentList.Arguments;
            if (method?.ContainingType?.ToDisplayString() != DslNames.Intrinsics || arguments.Any(a => a.NameColon is not null || !a.RefKindKeyword.IsKind(SyntaxKind.None)))
            {
                Report(Descriptors.UnsupportedCall, invocation.Expression, method is null ? invocation.Expression.ToString() : method.ContainingType.Name + "." + method.Name, Operators.DslList);
                return null;
            }
            if (method.Name == "Lerp")
            {
                var start = LowerMatrix(arguments[0].Expression);
                var end = LowerMatrix(arguments[1].Expression);
                var weight = Lower(arguments[2].Expression);
                if (start is null || end is null || weight is null) return null;
                if (!weight.Type.IsUniform)
                {
                    Report(Descriptors.ElementCondition, arguments[2].Expression, arguments[2].Expression.ToString(), "the weight of a matrix Lerp");
                    return null;
                }
                if (start.Shape != end.Shape)
                {
                    Report(Descriptors.MatrixShapeMismatch, invocation, invocation.ToString(),
                        "interpolates between matrices of different shapes, " + start.Shape + " and " + end.Shape);
                    return null;
                }
                return Map(operands => new Call("Lerp", new[] { operands[0], operands[1], weight }.ToEquatableArray(), IrType.Element), start, end);
            }

            var op = Operators.Find(method.Name);
            if (op is not { IsMatrix: true } || arguments.Count != op.Arity)
            {
                Report(Descriptors.UnsupportedCall, invocation.Expression, method.ContainingType.Name + "." + method.Name, Operators.DslList);
                return null;
            }
            var matrices = new List<MatrixExpr>();
            var settings = new List<Expr>();
            for (int i = 0; i < arguments.Count; i++)
            {
                var syntax = arguments[i].Expression;
                if (i < op.MatrixArity)
                {
                    var matrix = LowerMatrix(syntax);
                    if (matrix is null) return null;
                    matrices.Add(matrix);
                    continue;
                }
                var setting = Lower(syntax);
                if (setting is null) return null;
                if (!setting.Type.IsUniform)
                {
                    Report(Descriptors.ElementCondition, syntax, syntax.ToString(), "the setting '" + method.Parameters[i].Name + "' of " + op.Name);
                    return null;
                }
                settings.Add(setting);
            }
            var shape = matrices[0].Shape;
            if (op.MatrixRule == MatrixRule.Square && matrices.FirstOrDefault(m => !m.Shape.IsSquare || m.Shape != shape) is { } wrong)
            {
                Report(Descriptors.MatrixShapeMismatch, invocation, invocation.ToString(),
                    "needs " + (op.MatrixArity == 1 ? "a square matrix" : "square matrices of one shape") + "; " + (wrong.Shape.IsSquare ? "they are " + shape + " and " + wrong.Shape : "it is given a " + wrong.Shape + " one"));
                return null;
            }
            var needed = op.MatrixRule switch { MatrixRule.Flatten => MatrixShape.Parameter, MatrixRule.Unflatten => MatrixShape.Flat, _ => shape };
            if (shape != needed)
            {
                Report(Descriptors.MatrixShapeMismatch, invocation, invocation.ToString(), "needs a " + needed + " matrix; it is given a " + shape + " one");
                return null;
            }
            var result = op.MatrixRule switch
            {
                MatrixRule.Transposed => shape.Transposed,
                MatrixRule.Flatten => MatrixShape.Flat,
                MatrixRule.Unflatten => MatrixShape.Parameter,
                _ => shape,
            };
            return new MatrixCall(op.Name, matrices.ToEquatableArray(), settings.ToEquatableArray(), result);
        }

        /// <summary>
        /// An element-wise computation over <paramref name="operands"/> (all of one shape). An operand that is itself such a
        /// computation is folded in, so <c>beta * L + (1 - beta) * X</c> is one pass over the elements.
        /// </summary>
        private static MatrixMap Map(System.Func<Expr[], Expr> body, params MatrixExpr[] operands)
        {
            var flat = new List<MatrixExpr>();
            var inner = new Expr[operands.Length];
            for (int i = 0; i < operands.Length; i++)
            {
                if (operands[i] is MatrixMap map)
                {
                    int offset = flat.Count;
                    flat.AddRange(map.Operands);
                    inner[i] = Renumber(map.Body, offset);
                }
                else
                {
                    inner[i] = new MapOperand(flat.Count);
                    flat.Add(operands[i]);
                }
            }
            return new MatrixMap(body(inner), flat.ToEquatableArray(), operands[0].Shape);
        }

        private static Expr Renumber(Expr body, int offset) => body switch
        {
            MapOperand operand => new MapOperand(operand.Index + offset),
            _ => IrWalker.Rebuild(body, e => Renumber(e, offset)),
        };
    }
}
