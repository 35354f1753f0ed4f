using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ScratchOptim.Generator.Diagnostics;
using ScratchOptim.Generator.Ir;

namespace ScratchOptim.Generator.Syntax
{
    /// <summary>
    /// Lowers the body of the update method (or of a procedure) to the typed IR, reporting every construct the DSL does not allow. The
    /// C# types give each value its scalar (<c>double</c>, <c>float</c>, <c>int</c>, <c>bool</c>, <c>Element</c>); its
    /// index space is inferred: hyperparameters and constants are step-uniform, per-tensor state and reductions are
    /// per tensor, row and column state per row and column, the parameter and gradient per element, and everything
    /// computed from them lives in the finest space of its operands.
    /// </summary>
    internal sealed partial class UpdateLowering
    {
        /// <summary>
        /// How deeply expressions and statements may nest. Every pass over the IR recurses once per level; this bound keeps
        /// them far from the compiler's stack limit on any input (real updates nest fewer than 20 levels).
        /// </summary>
        internal const int MaxDepth = 200;

        private readonly SemanticModel semanticModel;
        private readonly Dictionary<string, HyperModel> hypers;
        private readonly Dictionary<string, StateModel> states;
        private readonly List<Diagnostic> diagnostics;
        private readonly CancellationToken cancellationToken;
        private readonly Dictionary<ILocalSymbol, IrType> locals = new Dictionary<ILocalSymbol, IrType>(SymbolEqualityComparer.Default);

        /// <summary>Locals refused where they are declared (OPT016): their later assignments are not reported again.</summary>
        private readonly HashSet<ILocalSymbol> refusedLocals = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        private readonly IReadOnlyCollection<string> invalidFields;

        /// <summary>The names the lowered method gives the parameter, the gradient and the step count (empty when it does not take one).</summary>
        private readonly UpdateSignature signature;

        /// <summary>Whether the lowered method may start with <c>Require(...)</c> checks (the update may, a procedure may not).</summary>
        private readonly bool requirementsAllowed;

        private readonly List<Requirement> requirements = new List<Requirement>();

        /// <summary>The int locals whose value grows with the step count (for OPT024).</summary>
        private readonly HashSet<string> stepLocals = new HashSet<string>();

        /// <summary>The locals assigned after their declaration: an Element local that is never reassigned keeps its initializer's space.</summary>
        private readonly HashSet<string> reassigned = new HashSet<string>();

        /// <summary>The conditions of the enclosing ifs that differ between tensors: group values cannot be made under them.</summary>
        private readonly List<ExpressionSyntax> tensorConditions = new List<ExpressionSyntax>();

        /// <param name="invalidFields">[Hyper] and [State] fields already reported as wrong: using them is not an error of its own.</param>
        /// <param name="signature">What the parameters of the lowered method are: the update's three, or those a procedure takes.</param>
        /// <param name="requirementsAllowed">Whether the method may start with <c>Require(...)</c> checks: the update's may.</param>
        public UpdateLowering(SemanticModel semanticModel, IReadOnlyList<HyperModel> hypers, IReadOnlyList<StateModel> states,
            IReadOnlyCollection<string> invalidFields, List<Diagnostic> diagnostics, UpdateSignature signature, bool requirementsAllowed,
            CancellationToken cancellationToken)
        {
            this.signature = signature;
            this.requirementsAllowed = requirementsAllowed;
            this.invalidFields = invalidFields;
            this.semanticModel = semanticModel;
            this.hypers = hypers.ToDictionary(h => h.Name);
            this.states = states.ToDictionary(s => s.Name);
            this.diagnostics = diagnostics;
            this.cancellationToken = cancellationToken;
        }

        /// <summary>The name of the procedure being lowered, or null for the update: a procedure cannot use group values (OPT043).</summary>
        public string? Procedure { get; set; }

        /// <summary>The <c>Require(...)</c> checks the body starts with, lowered by <see cref="LowerBody"/>.</summary>
        public IReadOnlyList<Requirement> Requirements => requirements;

        /// <summary>The update as IR, or null when it nests deeper than <see cref="MaxDepth"/> (reported as OPT026).</summary>
        public EquatableArray<Stmt>? LowerBody(MethodDeclarationSyntax method)
        {
            SyntaxNode body = (SyntaxNode?)method.Body ?? method.ExpressionBody!.Expression;
            if (DeepestNode(body) is { } deep)
            {
                // Reported on the statement that holds it: the whole of what is to be split up.
                var statement = deep.AncestorsAndSelf().OfType<StatementSyntax>().FirstOrDefault(s => s is not BlockSyntax) ?? (SyntaxNode)body;
                diagnostics.Add(Diagnostic.Create(Descriptors.TooDeep, statement.GetLocation(), MaxDepth));
                return null;
            }
            foreach (var assignment in body.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (assignment.Left is IdentifierNameSyntax name) reassigned.Add(name.Identifier.ValueText);
            }
            if (method.Body is not null) return LowerStatements(method.Body.Statements, topLevel: true);
            var output = new List<Stmt>();
            LowerExpressionStatement(method.ExpressionBody!.Expression, topLevel: true, output);
            return output.ToEquatableArray();
        }

        /// <summary>The first node nested deeper than <see cref="MaxDepth"/>, found without recursion.</summary>
        private static SyntaxNode? DeepestNode(SyntaxNode root)
        {
            var stack = new Stack<(SyntaxNode Node, int Depth)>();
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (node, depth) = stack.Pop();
                if (depth > MaxDepth) return node;
                foreach (var child in node.ChildNodes()) stack.Push((child, depth + 1));
            }
            return null;
        }

        private EquatableArray<Stmt> LowerStatements(IEnumerable<StatementSyntax> statements, bool topLevel)
        {
            var output = new List<Stmt>();
            bool atStart = topLevel;
            foreach (var statement in statements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (statement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax call } && IsRequire(call))
                {
                    LowerRequirement(call, atStart);
                    continue;
                }
                atStart = false;
                LowerStatement(statement, topLevel, output);
            }
            return output.ToEquatableArray();
        }

        private bool IsRequire(InvocationExpressionSyntax call) =>
            semanticModel.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol { Name: "Require" } method
            && method.ContainingType?.ToDisplayString() == DslNames.Intrinsics;

        /// <summary>
        /// A <c>Require(condition, "message")</c>: allowed only at the start of the update, on a condition known before any
        /// element is touched (hyperparameters, the step count, constants, per-tensor float or double state, the
        /// parameter's shape), with a constant message; anything else is OPT042.
        /// </summary>
        private void LowerRequirement(InvocationExpressionSyntax call, bool atStart)
        {
            if (!requirementsAllowed || !atStart)
            {
                Report(Descriptors.RequirementPlace, call, call.ToString(),
                    requirementsAllowed ? "is not at the start of the update: it must come before every other statement" : "is in a procedure: only the update may have requirements");
                return;
            }
            var arguments = call.ArgumentList.Arguments;
            var message = semanticModel.GetConstantValue(arguments[1].Expression, cancellationToken);
            if (!message.HasValue || message.Value is not string text || text.Length == 0)
            {
                Report(Descriptors.RequirementPlace, arguments[1], call.ToString(), "has a message that is not a constant, non-empty string");
                return;
            }
            var condition = Lower(arguments[0].Expression);
            if (condition is null) return;
            // The parameter's shape (Rank, Count, Rows, Columns of p or g) is known before any element is touched.
            string? problem = null;
            VisitOutsideShapes(condition, e => problem ??= e switch
            {
                Call c when Operators.IsGroupReduction(c) => "reads " + c.Operator + ", a reduction over the parameter group",
                Call c when Operators.Get(c.Operator).IsReduction => "reads " + c.Operator + ", a reduction over the tensor",
                Variable { Role: VariableRole.State, Type.Space: Space.Group } state => "reads '" + state.Name + "', state of the whole parameter group",
                Variable { Role: VariableRole.State, Type.Scalar: Scalar.Element } state => "reads '" + state.Name + "', state of the parameter's element type",
                Variable { Role: VariableRole.State, Type.IsUniform: false } state => "reads '" + state.Name + "', state that varies over the tensor",
                Variable { Role: VariableRole.Param or VariableRole.Grad } element => "reads '" + element.Name + "', which varies per element",
                _ => null,
            });
            if (problem is not null)
            {
                Report(Descriptors.RequirementPlace, arguments[0], call.ToString(), "has a condition that " + problem + "; it must be known before any element is touched");
                return;
            }
            requirements.Add(new Requirement(condition, text));
        }

        /// <summary>Visits <paramref name="expr"/> and its operands, but not the operands of shape operators (<c>Rank(p)</c>).</summary>
        private static void VisitOutsideShapes(Expr expr, System.Action<Expr> visit)
        {
            visit(expr);
            if (expr is Call call && Operators.Get(call.Operator).Kind == OperatorKind.Shape) return;
            foreach (var child in IrWalker.Children(expr)) VisitOutsideShapes(child, visit);
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
                    if (condition is { Type.IsUniform: false })
                        Report(Descriptors.ElementCondition, branch.Condition, branch.Condition.ToString(), "the condition of an 'if'");
                    bool perTensor = condition is { Type: { IsUniform: true, IsGroupWide: false } };
                    if (perTensor) tensorConditions.Add(branch.Condition);
                    var then = UnderRankGuard(condition, holds: true, () => LowerBranch(branch.Statement));
                    var otherwise = branch.Else is null ? EquatableArray<Stmt>.Empty : UnderRankGuard(condition, holds: false, () => LowerBranch(branch.Else.Statement));
                    if (perTensor) tensorConditions.RemoveAt(tensorConditions.Count - 1);
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
                    refusedLocals.Add(local); // its declaration is reported: its uses are not, again
                    continue;
                }
                if (ReservedNames.ForStepName(local.Name) is { } reason)
                {
                    Report(Descriptors.ReservedName, variable.Identifier, local.Name, reason);
                    refusedLocals.Add(local); // its declaration is reported: its uses are not, again
                    continue;
                }
                if (DslNames.Is(local.Type, DslNames.Matrix))
                {
                    LowerMatrixDeclaration(variable, local, output);
                    continue;
                }
                Scalar? scalar = ScalarOf(local.Type);
                if (scalar is null)
                {
                    Report(Descriptors.LocalType, variable.Identifier, local.Name, local.Type.ToDisplayString());
                    refusedLocals.Add(local); // its declaration is reported: its uses are not, again
                    continue;
                }
                var value = variable.Initializer is null ? null : Lower(variable.Initializer.Value);
                if (value is { Type: { IsBoolean: true, IsUniform: false } })
                {
                    Report(Descriptors.ElementBoolLocal, variable, variable.ToString());
                    refusedLocals.Add(local); // its declaration is reported: its uses are not, again
                    continue;
                }
                bool uniform = scalar != Scalar.Element;
                if (uniform && value is { Type.IsUniform: false })
                {
                    // C# accepts it: a comparison of elements is a plain bool, so 'g > 0 ? 1.0 : 2.0' is a double.
                    Report(Descriptors.ElementCondition, variable.Initializer!.Value, variable.Initializer.Value.ToString(), "the " + local.Type.ToDisplayString() + " local '" + local.Name + "'");
                    refusedLocals.Add(local); // its declaration is reported: its uses are not, again
                    continue;
                }
                // A uniform local, or an Element local set once, lives where its value does; other Element locals per element.
                Space space = uniform || (topLevel && value is not null && !reassigned.Contains(local.Name))
                    ? value?.Type.Space ?? Space.Step
                    : Space.Element;
                // The element type differs between a group's tensors: an Element value the same for all of them is per tensor.
                if (scalar == Scalar.Element && space is Space.Step or Space.Group) space = Space.Tensor;
                var type = new IrType(scalar.Value, space);
                locals[local] = type; // known even when refused below, so its uses are not reported again
                if (uniform && (!topLevel || variable.Initializer is null))
                {
                    Report(Descriptors.UniformLocal, variable.Identifier, local.Name);
                    refusedLocals.Add(local);
                    continue;
                }
                if (scalar == Scalar.Int && value is not null && DependsOnStep(value)) stepLocals.Add(local.Name);
                if (scalar == Scalar.Bool && value is not null && !reassigned.Contains(local.Name)) guardLocals[local.Name] = value;
                if (variable.Initializer is not null && value is null) continue;
                output.Add(new Assign(new Variable(VariableRole.Local, local.Name, type), value, Declares: true));
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
            if (IsMatrix(assignment.Left))
            {
                LowerMatrixAssignment(assignment, compound is not null, output);
                return;
            }
            var target = LowerTarget(assignment.Left);
            var value = Lower(assignment.Right);
            if (target is null || value is null) return;
            if (compound is { } op)
            {
                if (op == BinaryOp.Divide && target.Type.Scalar == Scalar.Int && value.Type.Scalar == Scalar.Int)
                {
                    Report(Descriptors.IntegerDivision, assignment, assignment.ToString());
                    return;
                }
                value = new Binary(op, target, value, ArithmeticType(target.Type, value.Type));
            }
            if (target.Type.Space == Space.Group)
            {
                // A group's state is written once per group, where no tensor is at hand.
                if (!value.Type.IsGroupWide)
                {
                    Report(Descriptors.GroupValueFromTensor, assignment.Right,
                        "'" + assignment.Right + "' varies " + (value.Type.Space == Space.Tensor ? "per tensor" : "within a tensor") + ", but '" + target.Name + "' is group state");
                    return;
                }
                if (tensorConditions.Count > 0)
                {
                    Report(Descriptors.GroupValueFromTensor, assignment,
                        "group state '" + target.Name + "' is assigned inside 'if (" + tensorConditions[tensorConditions.Count - 1] + ")', which differs between tensors");
                    return;
                }
            }
            if (IrType.Join(target.Type.Space, value.Type.Space) != target.Type.Space)
            {
                Report(Descriptors.ElementCondition, assignment.Right, assignment.Right.ToString(), SpaceOfTarget(target));
                return;
            }
            output.Add(new Assign(target, value, Declares: false));
        }

        private static string SpaceOfTarget(Variable target) => target.Type.Space switch
        {
            Space.Row => "the per-row state '" + target.Name + "'",
            Space.Column => "the per-column state '" + target.Name + "'",
            _ => "the per-tensor state '" + target.Name + "'",
        };

        private Variable? LowerTarget(ExpressionSyntax target)
        {
            var symbol = semanticModel.GetSymbolInfo(target, cancellationToken).Symbol;
            switch (symbol)
            {
                case IParameterSymbol parameter when RoleOf(parameter) is VariableRole.Param or VariableRole.Grad:
                    return new Variable(RoleOf(parameter)!.Value, parameter.Name, IrType.Element);
                case IFieldSymbol field when states.TryGetValue(field.Name, out var state):
                    if (Procedure is not null && state.Space == Space.Group)
                    {
                        Report(Descriptors.GroupValueInProcedure, target, Procedure, "assigns the group state '" + field.Name + "'");
                        return null;
                    }
                    return new Variable(VariableRole.State, field.Name, state.Type);
                case IFieldSymbol field when hypers.ContainsKey(field.Name):
                    Report(Descriptors.HyperAssigned, target, field.Name);
                    return null;
                case ILocalSymbol local when refusedLocals.Contains(local):
                    return null; // its declaration is reported
                case ILocalSymbol local when locals.TryGetValue(local, out var type):
                    if (type.Scalar != Scalar.Element)
                    {
                        Report(Descriptors.UniformLocal, target, local.Name);
                        return null;
                    }
                    return new Variable(VariableRole.Local, local.Name, type);
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
                    case bool flag: return new Literal(flag ? 1 : 0, IrType.Bool);
                    case int integer: return new Literal(integer, IrType.Int);
                    case double real: return new Literal(real, IrType.Double);
                    case float single: return new Literal(single, IrType.Float);
                }
            }

            // A Matrix where an element is read: the element of the matrix at the element being updated.
            if (IsMatrix(expression)) return LowerElementOf(expression);

            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return Lower(parenthesized.Expression);
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceExpression } coalesce:
                    return LowerCoalesce(coalesce);
                case IsPatternExpressionSyntax test:
                    return LowerNullTest(test, test.Expression, test.Pattern switch
                    {
                        ConstantPatternSyntax { Expression: LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression } } => false,
                        UnaryPatternSyntax { Pattern: ConstantPatternSyntax { Expression: LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression } } } => true,
                        _ => (bool?)null,
                    });
                case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Value" or "HasValue" } access when OptionalHyper(access.Expression) is { } optional:
                    var value = new Variable(VariableRole.Hyper, optional.Name, IrType.Double);
                    return access.Name.Identifier.ValueText == "Value" ? value : HasValue(value);
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
            if (OptionalHyper(name) is { } bare)
            {
                // A double? has no value to compute with until the update says what null means.
                Report(Descriptors.UnsupportedExpression, name, bare.Name + " (an optional hyperparameter: read it as " + bare.Name + " ?? fallback, or " + bare.Name + ".Value where " + bare.Name + " != null)");
                return null;
            }
            switch (symbol)
            {
                case IParameterSymbol parameter when RoleOf(parameter) is { } role:
                    return new Variable(role, parameter.Name, role == VariableRole.Step ? IrType.StepCount : IrType.Element);
                case IFieldSymbol field when hypers.TryGetValue(field.Name, out var hyper):
                    var type = hyper.Type switch
                    {
                        HyperType.Bool => IrType.Bool,
                        HyperType.Int => IrType.Int,
                        HyperType.Enum => new IrType(Scalar.Enum, Space.Step),
                        _ => IrType.Double,
                    };
                    return new Variable(VariableRole.Hyper, field.Name, type);
                case IFieldSymbol field when states.TryGetValue(field.Name, out var state):
                    if (Procedure is not null && state.Space == Space.Group)
                    {
                        Report(Descriptors.GroupValueInProcedure, name, Procedure, "reads the group state '" + field.Name + "'");
                        return null;
                    }
                    return new Variable(VariableRole.State, field.Name, state.Type);
                case ILocalSymbol local when locals.TryGetValue(local, out var localType):
                    return new Variable(VariableRole.Local, local.Name, localType);
                case ILocalSymbol local when refusedLocals.Contains(local):
                    return null; // its declaration is reported
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
                    return new Unary(UnaryOp.Negate, operand, operand.Type);
                case SyntaxKind.LogicalNotExpression:
                    return new Unary(UnaryOp.Not, operand, operand.Type);
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
                SyntaxKind.ModuloExpression => BinaryOp.Remainder,
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
            if (op is BinaryOp.Equal or BinaryOp.NotEqual && (IsNull(binary.Left) || IsNull(binary.Right)))
                return LowerNullTest(binary, IsNull(binary.Left) ? binary.Right : binary.Left, op == BinaryOp.NotEqual);
            var left = Lower(binary.Left);
            var right = Lower(binary.Right);
            if (left is null || right is null) return null;

            var space = IrType.Join(left.Type.Space, right.Type.Space);
            if (left.Type.Scalar == Scalar.Enum || right.Type.Scalar == Scalar.Enum)
            {
                // An enum is only compared (by its members' values, as C# compares them): no arithmetic, no logic.
                if (op.Value is BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide or BinaryOp.And or BinaryOp.Or)
                {
                    Report(Descriptors.UnsupportedExpression, binary, binary.ToString());
                    return null;
                }
                return new Binary(op.Value, left, right, IrType.Bool);
            }
            switch (op.Value)
            {
                case BinaryOp.Remainder when left.Type is not { Scalar: Scalar.Int, IsUniform: true } || right.Type is not { Scalar: Scalar.Int, IsUniform: true }:
                    // Only a step count's cycle needs it; on reals and elements C#'s % has no counterpart in PyTorch's kernels.
                    Report(Descriptors.UnsupportedExpression, binary, binary.ToString() + " (% takes two step-uniform ints)");
                    return null;
                case BinaryOp.Remainder:
                    return new Binary(op.Value, left, right, IrType.Int.In(space));
                case BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide:
                    if (op == BinaryOp.Divide && left.Type.Scalar == Scalar.Int && right.Type.Scalar == Scalar.Int)
                    {
                        Report(Descriptors.IntegerDivision, binary, binary.ToString());
                        return null;
                    }
                    if (op == BinaryOp.Multiply && left.Type.Scalar == Scalar.Int && right.Type.Scalar == Scalar.Int && DependsOnStep(left) && DependsOnStep(right))
                    {
                        // t * t passes int.MaxValue after 46341 steps and then wraps around without an error.
                        Report(Descriptors.IntegerOverflow, binary, binary.ToString());
                        return null;
                    }
                    return new Binary(op.Value, left, right, ArithmeticType(left.Type, right.Type));
                default:
                    return new Binary(op.Value, left, right, new IrType(Scalar.Bool, space));
            }
        }

        private Expr? LowerCall(InvocationExpressionSyntax invocation)
        {
            var method = semanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol as IMethodSymbol;
            string? container = method?.ContainingType?.ToDisplayString();
            var op = method is null ? null : Operators.Find(method.Name);
            bool fromDsl = container == DslNames.Intrinsics;
            bool fromMath = container == "System.Math";
            if (method is null || op is null || !op.InDsl || method.Parameters.Length != op.Arity || !(fromDsl || (fromMath && op.InSystemMath)))
            {
                string shown = method is null ? invocation.Expression.ToString() : method.ContainingType.Name + "." + method.Name;
                Report(Descriptors.UnsupportedCall, invocation.Expression, shown, Operators.DslList);
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

            switch (op.Kind)
            {
                case OperatorKind.Reduction:
                    bool constant = op.ResultSpace switch
                    {
                        // A group reduction also sums a per-tensor value (one term per tensor).
                        Space.Group => arguments[0].Type.IsGroupWide,
                        Space.Tensor => arguments[0].Type.IsUniform,
                        _ => arguments[0].Type.Space != Space.Element,
                    };
                    if (constant)
                    {
                        string needs = op.ResultSpace switch
                        {
                            Space.Group => "varies between the group's tensors",
                            Space.Tensor => "varies over the tensor",
                            _ => "varies per element",
                        };
                        Report(Descriptors.ReductionArgument, invocation.ArgumentList.Arguments[0], op.Name, invocation.ArgumentList.Arguments[0].ToString(), needs);
                        return null;
                    }
                    if (op.ResultSpace == Space.Group && Procedure is not null)
                    {
                        Report(Descriptors.GroupValueInProcedure, invocation, Procedure, "calls " + op.Name + ", a reduction over every tensor of the parameter group");
                        return null;
                    }
                    if (op.ResultSpace == Space.Group && tensorConditions.Count > 0)
                    {
                        Report(Descriptors.GroupReductionUnderTensorCondition, invocation, op.Name, tensorConditions[tensorConditions.Count - 1].ToString());
                        return null;
                    }
                    return new Call(op.Name, arguments.ToEquatableArray(), Operators.ResultType(op));
                case OperatorKind.Shape:
                    return new Call(op.Name, arguments.ToEquatableArray(), (op.Name == "Epsilon" ? IrType.Double : IrType.Int).In(Space.Tensor));
            }

            var space = arguments.Select(a => a.Type.Space).Aggregate(Space.Step, IrType.Join);
            Scalar? scalar = ScalarOf(method.ReturnType);
            if (scalar is null)
            {
                Report(Descriptors.UnsupportedCall, invocation.Expression, method.ContainingType.Name + "." + method.Name, Operators.DslList);
                return null;
            }
            if (scalar != Scalar.Element && space > Space.Tensor)
            {
                // The double overload was chosen for a per-element argument such as 'g > 0 ? 4.0 : 9.0'.
                Report(Descriptors.ElementCondition, invocation, invocation.ToString(), "the " + method.ReturnType.ToDisplayString() + " result of '" + method.Name + "'");
                return null;
            }
            return new Call(op.Name, arguments.ToEquatableArray(), new IrType(scalar.Value, space)) { SystemMath = fromMath };
        }

        private Expr? LowerConditional(ConditionalExpressionSyntax conditional)
        {
            var condition = Lower(conditional.Condition);
            var whenTrue = Lower(conditional.WhenTrue);
            var whenFalse = Lower(conditional.WhenFalse);
            if (condition is null || whenTrue is null || whenFalse is null) return null;
            if (whenTrue.Type.IsBoolean && !condition.Type.IsUniform)
            {
                Report(Descriptors.UnsupportedExpression, conditional, conditional.ToString());
                return null;
            }
            var type = whenTrue.Type.IsBoolean && whenFalse.Type.IsBoolean
                ? new IrType(Scalar.Bool, IrType.Join(whenTrue.Type.Space, whenFalse.Type.Space))
                : ArithmeticType(whenTrue.Type, whenFalse.Type);
            var space = IrType.Join(type.Space, condition.Type.Space);
            // A choice per element between numbers is a per-element value of the element type (a vector select).
            if (space > Space.Tensor && !type.IsBoolean) return new Conditional(condition, whenTrue, whenFalse, new IrType(Scalar.Element, space));
            return new Conditional(condition, whenTrue, whenFalse, type.In(space));
        }

        private Expr? LowerCast(CastExpressionSyntax cast)
        {
            var type = semanticModel.GetTypeInfo(cast.Type, cancellationToken).Type;
            if (type?.SpecialType == SpecialType.System_Double && OptionalHyper(cast.Expression) is { } optional)
                return new Variable(VariableRole.Hyper, optional.Name, IrType.Double);
            var operand = Lower(cast.Expression);
            if (operand is null) return null;
            if (type?.SpecialType is SpecialType.System_Double or SpecialType.System_Single && operand.Type.IsUniform && !operand.Type.IsBoolean)
            {
                var scalar = type.SpecialType == SpecialType.System_Double ? Scalar.Double : Scalar.Float;
                return operand.Type.Scalar == scalar ? operand : new Convert(operand, new IrType(scalar, operand.Type.Space));
            }
            if (DslNames.Is(type, DslNames.Element) && !operand.Type.IsBoolean)
                return operand.Type.Scalar == Scalar.Element ? operand : new Convert(operand, new IrType(Scalar.Element, operand.Type.Space));
            Report(Descriptors.UnsupportedExpression, cast, cast.ToString());
            return null;
        }

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

        /// <summary><c>x ?? fallback</c> on an optional hyperparameter: its value when it has one.</summary>
        private Expr? LowerCoalesce(BinaryExpressionSyntax coalesce)
        {
            if (OptionalHyper(coalesce.Left) is not { } optional)
            {
                Report(Descriptors.UnsupportedExpression, coalesce, coalesce.ToString());
                return null;
            }
            var fallback = Lower(coalesce.Right);
            if (fallback is null) return null;
            var value = new Variable(VariableRole.Hyper, optional.Name, IrType.Double);
            return new Conditional(HasValue(value), value, fallback, value.Type.In(fallback.Type.Space));
        }

        /// <summary><c>x == null</c>, <c>x != null</c>, <c>x is null</c> or <c>x is not null</c> on an optional hyperparameter.</summary>
        private Expr? LowerNullTest(ExpressionSyntax test, ExpressionSyntax tested, bool? hasValue)
        {
            if (IsInvalidField(tested)) return null; // its declaration is reported
            if (hasValue is null || OptionalHyper(tested) is not { } optional)
            {
                Report(Descriptors.UnsupportedExpression, test, test.ToString());
                return null;
            }
            var check = HasValue(new Variable(VariableRole.Hyper, optional.Name, IrType.Double));
            return hasValue.Value ? check : new Unary(UnaryOp.Not, check, check.Type);
        }

        private static Expr HasValue(Variable optional) => new Call("HasValue", new Expr[] { optional }.ToEquatableArray(), IrType.Bool);

        private bool IsInvalidField(ExpressionSyntax expression) => FieldOf(expression) is { } field && invalidFields.Contains(field.Name);

        private HyperModel? OptionalHyper(ExpressionSyntax expression) =>
            FieldOf(expression) is { } field && hypers.TryGetValue(field.Name, out var hyper) && hyper.Optional ? hyper : null;

        /// <summary>The field <paramref name="expression"/> names (in parentheses or not), or null.</summary>
        private IFieldSymbol? FieldOf(ExpressionSyntax expression) =>
            semanticModel.GetSymbolInfo(expression is ParenthesizedExpressionSyntax p ? p.Expression : expression, cancellationToken).Symbol as IFieldSymbol;

        /// <summary>What a parameter of the lowered method stands for, by the name the signature gives it.</summary>
        private VariableRole? RoleOf(IParameterSymbol parameter) =>
            parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary } ? null
            : parameter.Name == signature.Param ? VariableRole.Param
            : parameter.Name == signature.Grad ? VariableRole.Grad
            : parameter.Name == signature.Step ? VariableRole.Step
            : null;

        private static bool IsNull(ExpressionSyntax expression) => expression.IsKind(SyntaxKind.NullLiteralExpression);

        /// <summary>Whether an int value grows with the step count: it reads t, or an int local computed from t.</summary>
        private bool DependsOnStep(Expr expr)
        {
            bool depends = false;
            IrWalker.Visit(expr, e => depends |= e is Variable { Role: VariableRole.Step } || e is Variable { Role: VariableRole.Local } local && stepLocals.Contains(local.Name));
            return depends;
        }

        private static Scalar? ScalarOf(ITypeSymbol type) =>
            DslNames.Is(type, DslNames.Element) ? Scalar.Element : type.SpecialType switch
            {
                SpecialType.System_Double => Scalar.Double,
                SpecialType.System_Single => Scalar.Float,
                SpecialType.System_Int32 => Scalar.Int,
                SpecialType.System_Boolean => Scalar.Bool,
                _ => null,
            };

        /// <summary>The type of an arithmetic result: C#'s promotion (int → float → double → Element) over the joined space.</summary>
        private static IrType ArithmeticType(IrType left, IrType right)
        {
            Scalar scalar = left.Scalar == Scalar.Element || right.Scalar == Scalar.Element ? Scalar.Element
                : left.Scalar == Scalar.Double || right.Scalar == Scalar.Double ? Scalar.Double
                : left.Scalar == Scalar.Float || right.Scalar == Scalar.Float ? Scalar.Float
                : left.Scalar == Scalar.Bool && right.Scalar == Scalar.Bool ? Scalar.Bool
                : Scalar.Int;
            return new IrType(scalar, IrType.Join(left.Space, right.Space));
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
