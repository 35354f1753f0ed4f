using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ScratchOptim.Generator.Diagnostics;
using ScratchOptim.Generator.Model;

namespace ScratchOptim.Generator.Parsing
{
    /// <summary>
    /// Lowers the body of the update method to the IR, reporting every construct the DSL does not allow. The C#
    /// types already say what is uniform: <c>double</c>, <c>int</c> and <c>bool</c> values are step-uniform,
    /// <c>Element</c> values (and comparisons of them) are per-element.
    /// </summary>
    internal sealed class UpdateLowering
    {
        private static readonly Dictionary<string, (Intrinsic Function, int Arity)> IntrinsicsByName = new Dictionary<string, (Intrinsic, int)>
        {
            ["Sqrt"] = (Intrinsic.Sqrt, 1),
            ["Abs"] = (Intrinsic.Abs, 1),
            ["Sign"] = (Intrinsic.Sign, 1),
            ["Min"] = (Intrinsic.Min, 2),
            ["Max"] = (Intrinsic.Max, 2),
            ["Clamp"] = (Intrinsic.Clamp, 3),
            ["Pow"] = (Intrinsic.Pow, 2),
            ["Exp"] = (Intrinsic.Exp, 1),
            ["Log"] = (Intrinsic.Log, 1),
            ["Fma"] = (Intrinsic.Fma, 3),
            ["Lerp"] = (Intrinsic.Lerp, 3),
        };

        private readonly SemanticModel semanticModel;
        private readonly Dictionary<string, HyperModel> hypers;
        private readonly Dictionary<string, StateModel> states;
        private readonly List<Diagnostic> diagnostics;
        private readonly CancellationToken cancellationToken;
        private readonly Dictionary<ILocalSymbol, ValueKind> locals = new Dictionary<ILocalSymbol, ValueKind>(SymbolEqualityComparer.Default);

        private readonly IReadOnlyCollection<string> invalidFields;

        /// <summary>The int locals whose value grows with the step count (for OPT024).</summary>
        private readonly HashSet<string> stepLocals = new HashSet<string>();

        /// <param name="invalidFields">[Hyper] and [State] fields already reported as wrong: using them is not an error of its own.</param>
        public UpdateLowering(SemanticModel semanticModel, IReadOnlyList<HyperModel> hypers, IReadOnlyList<StateModel> states,
            IReadOnlyCollection<string> invalidFields, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            this.invalidFields = invalidFields;
            this.semanticModel = semanticModel;
            this.hypers = hypers.ToDictionary(h => h.Name);
            this.states = states.ToDictionary(s => s.Name);
            this.diagnostics = diagnostics;
            this.cancellationToken = cancellationToken;
        }

        public EquatableArray<Stmt> LowerBody(MethodDeclarationSyntax method)
        {
            if (method.Body is not null) return LowerStatements(method.Body.Statements, topLevel: true);
            var output = new List<Stmt>();
            LowerExpressionStatement(method.ExpressionBody!.Expression, topLevel: true, output);
            return output.ToEquatableArray();
        }

        private EquatableArray<Stmt> LowerStatements(IEnumerable<StatementSyntax> statements, bool topLevel)
        {
            var output = new List<Stmt>();
            foreach (var statement in statements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                LowerStatement(statement, topLevel, output);
            }
            return output.ToEquatableArray();
        }

        private EquatableArray<Stmt> LowerBranch(StatementSyntax statement) =>
            statement is BlockSyntax block ? LowerStatements(block.Statements, topLevel: false) : LowerStatements(new[] { statement }, topLevel: false);

        private void LowerStatement(StatementSyntax statement, bool topLevel, List<Stmt> output)
        {
            switch (statement)
            {
                case EmptyStatementSyntax:
                    return;
                case LocalDeclarationStatementSyntax declaration:
                    LowerDeclaration(declaration, topLevel, output);
                    return;
                case ExpressionStatementSyntax expressionStatement:
                    LowerExpressionStatement(expressionStatement.Expression, topLevel, output);
                    return;
                case IfStatementSyntax branch:
                    var condition = Lower(branch.Condition);
                    if (condition?.Kind == ValueKind.ElementBool)
                        Report(Descriptors.ElementCondition, branch.Condition, branch.Condition.ToString(), "the condition of an 'if'");
                    var then = LowerBranch(branch.Statement);
                    var otherwise = branch.Else is null ? EquatableArray<Stmt>.Empty : LowerBranch(branch.Else.Statement);
                    if (condition is not null) output.Add(new If(condition, then, otherwise));
                    return;
                default:
                    Report(Descriptors.UnsupportedStatement, statement, StatementName(statement));
                    return;
            }
        }

        private void LowerDeclaration(LocalDeclarationStatementSyntax declaration, bool topLevel, List<Stmt> output)
        {
            foreach (var variable in declaration.Declaration.Variables)
            {
                if (semanticModel.GetDeclaredSymbol(variable, cancellationToken) is not ILocalSymbol local) continue;
                if (hypers.ContainsKey(local.Name) || states.ContainsKey(local.Name))
                {
                    Report(Descriptors.DuplicateName, variable.Identifier, local.Name, hypers.ContainsKey(local.Name) ? "a hyperparameter" : "a state");
                    continue;
                }
                if (ReservedNames.ForStepName(local.Name) is { } reason)
                {
                    Report(Descriptors.ReservedName, variable.Identifier, local.Name, reason);
                    continue;
                }
                ValueKind? kind = DslNames.Is(local.Type, DslNames.Element) ? ValueKind.Element : local.Type.SpecialType switch
                {
                    SpecialType.System_Double => ValueKind.Double,
                    SpecialType.System_Single => ValueKind.Float,
                    SpecialType.System_Int32 => ValueKind.Int,
                    SpecialType.System_Boolean => ValueKind.Bool,
                    _ => null,
                };
                if (kind is null)
                {
                    Report(Descriptors.LocalType, variable.Identifier, local.Name, local.Type.ToDisplayString());
                    continue;
                }
                var value = variable.Initializer is null ? null : Lower(variable.Initializer.Value);
                if (value?.Kind == ValueKind.ElementBool)
                {
                    Report(Descriptors.ElementBoolLocal, variable, variable.ToString());
                    continue;
                }
                if (kind.Value.IsUniform() && value?.Kind == ValueKind.Element)
                {
                    // C# accepts it: a comparison of elements is a plain bool, so 'g > 0 ? 1.0 : 2.0' is a double.
                    Report(Descriptors.ElementCondition, variable.Initializer!.Value, variable.Initializer.Value.ToString(), "the " + local.Type.ToDisplayString() + " local '" + local.Name + "'");
                    continue;
                }
                if (kind.Value.IsUniform() && (!topLevel || variable.Initializer is null))
                {
                    Report(Descriptors.UniformLocal, variable.Identifier, local.Name);
                    continue;
                }
                locals[local] = kind.Value;
                if (kind == ValueKind.Int && value is not null && DependsOnStep(value)) stepLocals.Add(local.Name);
                if (variable.Initializer is not null && value is null) continue;
                output.Add(new Assign(new Variable(VariableRole.Local, local.Name, kind.Value), value, Declares: true));
            }
        }

        private void LowerExpressionStatement(ExpressionSyntax expression, bool topLevel, List<Stmt> output)
        {
            if (expression is not AssignmentExpressionSyntax assignment)
            {
                Report(Descriptors.UnsupportedExpression, expression, expression.ToString());
                return;
            }
            BinaryOp? compound = assignment.Kind() switch
            {
                SyntaxKind.SimpleAssignmentExpression => null,
                SyntaxKind.AddAssignmentExpression => BinaryOp.Add,
                SyntaxKind.SubtractAssignmentExpression => BinaryOp.Subtract,
                SyntaxKind.MultiplyAssignmentExpression => BinaryOp.Multiply,
                SyntaxKind.DivideAssignmentExpression => BinaryOp.Divide,
                _ => (BinaryOp)(-1),
            };
            if (compound == (BinaryOp)(-1))
            {
                Report(Descriptors.UnsupportedExpression, assignment, assignment.ToString());
                return;
            }
            var target = LowerTarget(assignment.Left, topLevel);
            var value = Lower(assignment.Right);
            if (target is null || value is null) return;
            if (compound is { } op)
            {
                if (op == BinaryOp.Divide && target.Kind == ValueKind.Int && value.Kind == ValueKind.Int)
                {
                    Report(Descriptors.IntegerDivision, assignment, assignment.ToString());
                    return;
                }
                value = new Binary(op, target, value, ArithmeticKind(target.Kind, value.Kind));
            }
            if (target.Kind.IsUniform() && !value.Kind.IsUniform())
            {
                Report(Descriptors.ElementCondition, assignment.Right, assignment.Right.ToString(), "the per-tensor state '" + target.Name + "'");
                return;
            }
            output.Add(new Assign(target, value, Declares: false));
        }

        private Variable? LowerTarget(ExpressionSyntax target, bool topLevel)
        {
            var symbol = semanticModel.GetSymbolInfo(target, cancellationToken).Symbol;
            switch (symbol)
            {
                case IParameterSymbol parameter when parameter.Ordinal < 2:
                    return new Variable(parameter.Ordinal == 0 ? VariableRole.Param : VariableRole.Grad, parameter.Name, ValueKind.Element);
                case IFieldSymbol field when states.TryGetValue(field.Name, out var state):
                    if (state.PerTensor && !topLevel)
                    {
                        Report(Descriptors.UniformLocal, target, field.Name);
                        return null;
                    }
                    return new Variable(VariableRole.State, field.Name, state.Kind);
                case IFieldSymbol field when hypers.ContainsKey(field.Name):
                    Report(Descriptors.HyperAssigned, target, field.Name);
                    return null;
                case ILocalSymbol local when locals.TryGetValue(local, out var kind):
                    if (kind.IsUniform())
                    {
                        Report(Descriptors.UniformLocal, target, local.Name);
                        return null;
                    }
                    return new Variable(VariableRole.Local, local.Name, kind);
                case IFieldSymbol field when invalidFields.Contains(field.Name):
                    return null;
                case IFieldSymbol or IPropertySymbol:
                    Report(Descriptors.ForeignMember, target, symbol.Name);
                    return null;
                default:
                    Report(Descriptors.UnsupportedExpression, target, target.ToString() + " = …");
                    return null;
            }
        }

        private Expr? Lower(ExpressionSyntax expression)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var constant = semanticModel.GetConstantValue(expression, cancellationToken);
            if (constant.HasValue && semanticModel.GetTypeInfo(expression, cancellationToken).ConvertedType is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
                return LowerEnumValue(expression, enumType, constant.Value);
            if (constant.HasValue)
            {
                switch (constant.Value)
                {
                    case bool flag: return new Literal(flag ? 1 : 0, ValueKind.Bool);
                    case int integer: return new Literal(integer, ValueKind.Int);
                    case double real: return new Literal(real, ValueKind.Double);
                    case float single: return new Literal(single, ValueKind.Float);
                }
            }

            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return Lower(parenthesized.Expression);
                case IdentifierNameSyntax:
                case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }:
                    return LowerName(expression);
                case PrefixUnaryExpressionSyntax unary:
                    return LowerUnary(unary);
                case BinaryExpressionSyntax binary:
                    return LowerBinary(binary);
                case InvocationExpressionSyntax invocation:
                    return LowerCall(invocation);
                case ConditionalExpressionSyntax conditional:
                    return LowerConditional(conditional);
                case CastExpressionSyntax cast:
                    return LowerCast(cast);
                default:
                    Report(Descriptors.UnsupportedExpression, expression, expression.ToString());
                    return null;
            }
        }

        private Expr? LowerName(ExpressionSyntax name)
        {
            var symbol = semanticModel.GetSymbolInfo(name, cancellationToken).Symbol;
            switch (symbol)
            {
                case IParameterSymbol parameter when parameter.ContainingSymbol is IMethodSymbol { Name: DslNames.UpdateMethod }:
                    return parameter.Ordinal switch
                    {
                        0 => new Variable(VariableRole.Param, parameter.Name, ValueKind.Element),
                        1 => new Variable(VariableRole.Grad, parameter.Name, ValueKind.Element),
                        _ => new Variable(VariableRole.Step, parameter.Name, ValueKind.Int),
                    };
                case IFieldSymbol field when hypers.TryGetValue(field.Name, out var hyper):
                    var kind = hyper.Type switch
                    {
                        HyperType.Bool => ValueKind.Bool,
                        HyperType.Int => ValueKind.Int,
                        HyperType.Enum => ValueKind.Enum,
                        _ => ValueKind.Double,
                    };
                    return new Variable(VariableRole.Hyper, field.Name, kind);
                case IFieldSymbol field when states.TryGetValue(field.Name, out var state):
                    return new Variable(VariableRole.State, field.Name, state.Kind);
                case ILocalSymbol local when locals.TryGetValue(local, out var localKind):
                    return new Variable(VariableRole.Local, local.Name, localKind);
                case IFieldSymbol field when invalidFields.Contains(field.Name):
                    return null;
                case IFieldSymbol or IPropertySymbol or IMethodSymbol or IEventSymbol:
                    Report(Descriptors.ForeignMember, name, symbol.Name);
                    return null;
                default:
                    Report(Descriptors.UnsupportedExpression, name, name.ToString());
                    return null;
            }
        }

        private Expr? LowerUnary(PrefixUnaryExpressionSyntax unary)
        {
            var operand = Lower(unary.Operand);
            if (operand is null) return null;
            switch (unary.Kind())
            {
                case SyntaxKind.UnaryPlusExpression:
                    return operand;
                case SyntaxKind.UnaryMinusExpression:
                    return new Unary(UnaryOp.Negate, operand, operand.Kind);
                case SyntaxKind.LogicalNotExpression:
                    return new Unary(UnaryOp.Not, operand, operand.Kind);
                default:
                    Report(Descriptors.UnsupportedExpression, unary, unary.ToString());
                    return null;
            }
        }

        private Expr? LowerBinary(BinaryExpressionSyntax binary)
        {
            BinaryOp? op = binary.Kind() switch
            {
                SyntaxKind.AddExpression => BinaryOp.Add,
                SyntaxKind.SubtractExpression => BinaryOp.Subtract,
                SyntaxKind.MultiplyExpression => BinaryOp.Multiply,
                SyntaxKind.DivideExpression => BinaryOp.Divide,
                SyntaxKind.LessThanExpression => BinaryOp.Less,
                SyntaxKind.LessThanOrEqualExpression => BinaryOp.LessOrEqual,
                SyntaxKind.GreaterThanExpression => BinaryOp.Greater,
                SyntaxKind.GreaterThanOrEqualExpression => BinaryOp.GreaterOrEqual,
                SyntaxKind.EqualsExpression => BinaryOp.Equal,
                SyntaxKind.NotEqualsExpression => BinaryOp.NotEqual,
                SyntaxKind.LogicalAndExpression => BinaryOp.And,
                SyntaxKind.LogicalOrExpression => BinaryOp.Or,
                _ => null,
            };
            if (op is null)
            {
                Report(Descriptors.UnsupportedExpression, binary, binary.ToString());
                return null;
            }
            var left = Lower(binary.Left);
            var right = Lower(binary.Right);
            if (left is null || right is null) return null;

            if (left.Kind == ValueKind.Enum || right.Kind == ValueKind.Enum)
            {
                // An enum is only compared (by its members' values, as C# compares them): no arithmetic, no logic.
                if (op.Value is BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide or BinaryOp.And or BinaryOp.Or)
                {
                    Report(Descriptors.UnsupportedExpression, binary, binary.ToString());
                    return null;
                }
                return new Binary(op.Value, left, right, ValueKind.Bool);
            }

            switch (op.Value)
            {
                case BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide:
                    if (op == BinaryOp.Divide && left.Kind == ValueKind.Int && right.Kind == ValueKind.Int)
                    {
                        Report(Descriptors.IntegerDivision, binary, binary.ToString());
                        return null;
                    }
                    if (op == BinaryOp.Multiply && left.Kind == ValueKind.Int && right.Kind == ValueKind.Int && DependsOnStep(left) && DependsOnStep(right))
                    {
                        // t * t passes int.MaxValue after 46341 steps and then wraps around without an error.
                        Report(Descriptors.IntegerOverflow, binary, binary.ToString());
                        return null;
                    }
                    return new Binary(op.Value, left, right, ArithmeticKind(left.Kind, right.Kind));
                case BinaryOp.And or BinaryOp.Or:
                    return new Binary(op.Value, left, right, left.Kind == ValueKind.ElementBool || right.Kind == ValueKind.ElementBool ? ValueKind.ElementBool : ValueKind.Bool);
                default:
                    bool perElement = left.Kind == ValueKind.Element || right.Kind == ValueKind.Element;
                    return new Binary(op.Value, left, right, perElement ? ValueKind.ElementBool : ValueKind.Bool);
            }
        }

        private Expr? LowerCall(InvocationExpressionSyntax invocation)
        {
            var method = semanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol as IMethodSymbol;
            string? container = method?.ContainingType?.ToDisplayString();
            bool allowedContainer = container == DslNames.Intrinsics || container == "System.Math" || container == "System.MathF";
            if (method is null || !allowedContainer || !IntrinsicsByName.TryGetValue(method.Name, out var intrinsic)
                || method.Parameters.Length != intrinsic.Arity || (intrinsic.Function is Intrinsic.Fma or Intrinsic.Lerp && container != DslNames.Intrinsics))
            {
                string shown = method is null ? invocation.Expression.ToString() : method.ContainingType.Name + "." + method.Name;
                Report(Descriptors.UnsupportedCall, invocation.Expression, shown);
                return null;
            }

            var arguments = new List<Expr>();
            foreach (var argument in invocation.ArgumentList.Arguments)
            {
                if (argument.NameColon is not null || !argument.RefKindKeyword.IsKind(SyntaxKind.None))
                {
                    Report(Descriptors.UnsupportedExpression, argument, argument.ToString());
                    return null;
                }
                var lowered = Lower(argument.Expression);
                if (lowered is null) return null;
                arguments.Add(lowered);
            }

            ValueKind kind = DslNames.Is(method.ReturnType, DslNames.Element) ? ValueKind.Element
                : method.ReturnType.SpecialType == SpecialType.System_Int32 ? ValueKind.Int
                : method.ReturnType.SpecialType == SpecialType.System_Single ? ValueKind.Float
                : ValueKind.Double;
            if (kind.IsUniform() && arguments.Any(a => !a.Kind.IsUniform()))
            {
                // The double overload was chosen for a per-element argument such as 'g > 0 ? 4.0 : 9.0'.
                Report(Descriptors.ElementCondition, invocation, invocation.ToString(), "the " + method.ReturnType.ToDisplayString() + " result of '" + method.Name + "'");
                return null;
            }
            return new Call(intrinsic.Function, arguments.ToEquatableArray(), kind);
        }

        private Expr? LowerConditional(ConditionalExpressionSyntax conditional)
        {
            var condition = Lower(conditional.Condition);
            var whenTrue = Lower(conditional.WhenTrue);
            var whenFalse = Lower(conditional.WhenFalse);
            if (condition is null || whenTrue is null || whenFalse is null) return null;
            ValueKind kind = condition.Kind == ValueKind.ElementBool
                ? (whenTrue.Kind.IsBoolean() ? ValueKind.ElementBool : ValueKind.Element)
                : Join(whenTrue.Kind, whenFalse.Kind);
            if (kind == ValueKind.ElementBool)
            {
                Report(Descriptors.UnsupportedExpression, conditional, conditional.ToString());
                return null;
            }
            return new Conditional(condition, whenTrue, whenFalse, kind);
        }

        private Expr? LowerCast(CastExpressionSyntax cast)
        {
            var type = semanticModel.GetTypeInfo(cast.Type, cancellationToken).Type;
            var operand = Lower(cast.Expression);
            if (operand is null) return null;
            if (type?.SpecialType is SpecialType.System_Double or SpecialType.System_Single && operand.Kind is ValueKind.Int or ValueKind.Double or ValueKind.Float)
            {
                var kind = type.SpecialType == SpecialType.System_Double ? ValueKind.Double : ValueKind.Float;
                return operand.Kind == kind ? operand : new Convert(operand, kind);
            }
            if (DslNames.Is(type, DslNames.Element) && !operand.Kind.IsBoolean())
                return operand.Kind == ValueKind.Element ? operand : new Convert(operand, ValueKind.Element);
            Report(Descriptors.UnsupportedExpression, cast, cast.ToString());
            return null;
        }

        /// <summary>Whether an int value grows with the step count: it reads t, or an int local computed from t.</summary>
        private bool DependsOnStep(Expr expr)
        {
            bool depends = false;
            IrWalker.Visit(expr, e => depends |= e is Variable { Role: VariableRole.Step } || e is Variable { Role: VariableRole.Local } local && stepLocals.Contains(local.Name));
            return depends;
        }

        private static ValueKind ArithmeticKind(ValueKind left, ValueKind right) =>
            left == ValueKind.Element || right == ValueKind.Element ? ValueKind.Element
            : left == ValueKind.Double || right == ValueKind.Double ? ValueKind.Double
            : left == ValueKind.Float || right == ValueKind.Float ? ValueKind.Float
            : ValueKind.Int;

        private static ValueKind Join(ValueKind a, ValueKind b) =>
            a == ValueKind.Bool && b == ValueKind.Bool ? ValueKind.Bool
            : a == ValueKind.Enum || b == ValueKind.Enum ? ValueKind.Enum // C# allows only the same enum (or a literal 0) on both sides
            : ArithmeticKind(a, b);

        /// <summary>A constant of an enum type: one of its named members (C# also allows a literal 0, or a cast of any number).</summary>
        private Expr? LowerEnumValue(ExpressionSyntax expression, INamedTypeSymbol enumType, object? value)
        {
            var model = DeclarationParser.EnumModelOf(enumType);
            string? member = value is null or bool ? null : model.NameOf(System.Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
            if (member is null)
            {
                Report(Descriptors.UnsupportedExpression, expression, expression.ToString());
                return null;
            }
            return new EnumValue(model.Type, model.Name, member);
        }

        private static string StatementName(StatementSyntax statement) => statement switch
        {
            BlockSyntax => "block",
            LocalFunctionStatementSyntax => "local function",
            ForEachStatementSyntax => "foreach",
            ReturnStatementSyntax => "return",
            _ => statement.Kind().ToString().Replace("Statement", "").ToLowerInvariant(),
        };

        private void Report(DiagnosticDescriptor descriptor, SyntaxNode node, params object[] arguments) =>
            diagnostics.Add(Diagnostic.Create(descriptor, node.GetLocation(), arguments));

        private void Report(DiagnosticDescriptor descriptor, SyntaxToken token, params object[] arguments) =>
            diagnostics.Add(Diagnostic.Create(descriptor, token.GetLocation(), arguments));
    }
}
