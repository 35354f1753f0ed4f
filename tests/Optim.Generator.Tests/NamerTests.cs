using System.Linq;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Targets.Cpu;
using Xunit;

namespace ScratchOptim.Generator.Tests;

/// <summary>
/// The names the CPU target gives values it computes once, from their definitions: spelled out in words where the name
/// stays short, then by their use, and numbered only where neither gives one.
/// </summary>
public class NamerTests
{
    private static readonly Variable Beta1 = Hyper("beta1"), Beta2 = Hyper("beta2"), Lr = Hyper("lr"), WeightDecay = Hyper("weightDecay");
    private static readonly Variable T = new(VariableRole.Step, "t", IrType.Int);
    private static readonly Literal One = Number(1);

    [Fact]
    public void Step_uniform_arithmetic_is_spelled_out()
    {
        Assert.Equal("oneOverSqrtOneMinusBeta2PowT", Name(Divide(One, Call("Sqrt", Subtract(One, Call("Pow", Beta2, T))))));
        Assert.Equal("gammaTimesBeta1OverOneMinusBeta1", Name(Multiply(Hyper("gamma"), Divide(Beta1, Subtract(One, Beta1)))));
        Assert.Equal("onePlusLrTimesWeightDecay", Name(new Binary(BinaryOp.Add, One, Multiply(Lr, WeightDecay), IrType.Double)));
        Assert.Equal("minusAlphaOverDenom", Name(new Unary(UnaryOp.Negate, Divide(Hyper("alpha"), Local("denom")), IrType.Double)));
        var rows = new Call("Rows", new Expr[] { Parameter }.ToEquatableArray(), IrType.StepCount);
        var columns = new Call("Columns", new Expr[] { Parameter }.ToEquatableArray(), IrType.StepCount);
        Assert.Equal("sqrtMaxOfOneAndRowsOverColumns", Name(Call("Pow", Call("Max", One, Divide(new Convert(rows, IrType.Double), columns)), Number(0.5))));
        Assert.Equal("dlrOrLr", Name(new Conditional(Hyper("safeguard", IrType.Bool), Local("dlr"), Lr, IrType.Double)));
        Assert.Equal("tenToMinus15", Name(Number(1e-15)));
    }

    [Fact]
    public void Conditions_read_as_what_they_test()
    {
        var decouple = Hyper("decouple", IrType.Bool);
        var weightDecayIsNonZero = Compare(BinaryOp.NotEqual, WeightDecay, Number(0));
        Assert.Equal("weightDecayAndNotDecouple", Name(And(weightDecayIsNonZero, new Unary(UnaryOp.Not, decouple, IrType.Bool)), IrType.Bool));
        Assert.Equal("weightDecayAndDecouple", Name(And(weightDecayIsNonZero, decouple), IrType.Bool));
        var filter = new Unary(UnaryOp.Not, Hyper("filter", IrType.Bool), IrType.Bool);
        var notVector = new Unary(UnaryOp.Not, new Variable(VariableRole.Local, "vector", IrType.Bool), IrType.Bool);
        Assert.Equal("notFilterOrNotVector", Name(new Binary(BinaryOp.Or, filter, notVector, IrType.Bool), IrType.Bool));
        var step = new Variable(VariableRole.Local, "step", IrType.Int);
        var remainder = new Binary(BinaryOp.Remainder, step, Hyper("frequency", IrType.Int), IrType.Int);
        Assert.Equal("stepModFrequencyIs0", Name(Compare(BinaryOp.Equal, remainder, new Literal(0, IrType.Int)), IrType.Bool));
    }

    [Fact]
    public void A_value_that_reads_a_named_temp_is_named_through_it()
    {
        var namer = new Namer(new[] { "g" });
        var element = new Variable(VariableRole.Grad, "g", IrType.Element);
        var sum = new Call("Sum", new Expr[] { element }.ToEquatableArray(), IrType.Double.In(Space.Tensor));
        namer.Remember(0, namer.For(sum, sum.Type), sum);
        namer.Remember(1, "dNew", Lr);
        var count = new Call("Count", new Expr[] { element }.ToEquatableArray(), IrType.StepCount);
        Assert.Equal("meanOfG", namer.For(Divide(new Temp(0, sum.Type), new Convert(count, IrType.Double)), IrType.Element));
        Assert.Equal("dNewTimesEps", namer.For(Multiply(new Temp(1, IrType.Double), Hyper("eps")), IrType.Element));
        // A matrix of an element value times a step-uniform factor, and a product of two element values.
        var m = new Variable(VariableRole.State, "m", IrType.Element);
        Assert.Equal("scaledMMatrix", namer.For(new AsMatrix(Multiply(m, new Temp(1, IrType.Double))), IrType.Matrix));
        var difference = new Binary(BinaryOp.Subtract, new Variable(VariableRole.State, "p0", IrType.Element), new Variable(VariableRole.Param, "p", IrType.Element), IrType.Element);
        var groupSum = new Call("GroupSum", new Expr[] { Multiply(element, difference) }.ToEquatableArray(), IrType.Double.In(Space.Group));
        Assert.Equal("groupSumOfGTimesP0MinusP", namer.For(groupSum, groupSum.Type));
    }

    [Fact]
    public void A_name_too_long_to_read_is_taken_from_the_use_or_numbered_and_names_stay_unique()
    {
        var tooLong = Call("Min", Divide(Hyper("maxGradNorm"), new Binary(BinaryOp.Add, Call("Sqrt", Hyper("groupSumOfSquaresG")), Hyper("eps"), IrType.Double)), One);
        var namer = new Namer(new[] { "oneMinusBeta1" });
        Assert.Equal("gFactor", namer.For(tooLong, IrType.Element, "gFactor"));
        Assert.Equal("scalar1", namer.For(tooLong, IrType.Element));
        Assert.Equal("oneMinusBeta12", namer.For(Subtract(One, Beta1), IrType.Element));
        Assert.Equal("gFactor2", namer.For(tooLong, IrType.Element, "gFactor"));
    }

    private static readonly Variable Parameter = new(VariableRole.Param, "p", IrType.Element);

    private static string Name(Expr definition, IrType? type = null) => new Namer(Enumerable.Empty<string>()).For(definition, type ?? IrType.Element);

    private static Variable Hyper(string name) => Hyper(name, IrType.Double);

    private static Variable Hyper(string name, IrType type) => new(VariableRole.Hyper, name, type);

    private static Variable Local(string name) => new(VariableRole.Local, name, IrType.Double);

    private static Literal Number(double value) => new(value, IrType.Double);

    private static Call Call(string name, params Expr[] arguments) => new(name, arguments.ToEquatableArray(), IrType.Double);

    private static Binary Subtract(Expr left, Expr right) => new(BinaryOp.Subtract, left, right, IrType.Double);

    private static Binary Multiply(Expr left, Expr right) => new(BinaryOp.Multiply, left, right, IrType.Join(left.Type.Space, right.Type.Space) == Space.Element ? IrType.Element : IrType.Double);

    private static Binary Divide(Expr left, Expr right) => new(BinaryOp.Divide, left, right, IrType.Double);

    private static Binary Compare(BinaryOp op, Expr left, Expr right) => new(op, left, right, IrType.Bool);

    private static Binary And(Expr left, Expr right) => new(BinaryOp.And, left, right, IrType.Bool);
}
