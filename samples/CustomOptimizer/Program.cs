using System;
using System.Globalization;
using System.Linq;
using CustomOptimizer;
using ScratchOptim;
using ScratchOptim.Optimizers;

// Both optimizers train the same model (4 weights and a bias, from zero) on the same data for the same number of
// full-batch steps, with the same learning rate.
const int Steps = 500;
const double LearningRate = 0.01;
var problem = LinearRegression.Create(samples: 256, seed: 42);
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

Console.WriteLine($"Linear regression: {problem.Samples} samples, {problem.Features} features, seed 42, {Steps} full-batch steps, lr = {LearningRate}");
Console.WriteLine($"  drawn from w = [{string.Join(", ", LinearRegression.TrueWeights)}], b = {LinearRegression.TrueBias} plus noise; loss there (the noise floor): {problem.Loss(LinearRegression.TrueWeights, LinearRegression.TrueBias):F6}");
Console.WriteLine();

// SignumMomentum is declared in SignumMomentum.cs; ScratchOptim.Dsl's generator wrote its constructor, kernel and docs.
double signum = Train("SignumMomentum (declared here)", parameters => new SignumMomentum(parameters, lr: LearningRate, beta: 0.9));
// Adam comes ready-made in the ScratchOptim package.
double adam = Train("Adam (built in)", parameters => new Adam(parameters, lr: LearningRate));

Console.WriteLine();
Console.WriteLine($"Final loss: SignumMomentum {signum:F6}, Adam {adam:F6}");
Console.WriteLine();

// The documentation the generator wrote from SignumMomentum's declaration, available at run time.
PrintDocumentation(SignumMomentum.Documentation);

// The generator also lists every optimizer declared in this assembly.
Console.WriteLine();
Console.WriteLine("Optimizers declared in this assembly: " + string.Join(", ", ScratchOptim.Generated.OptimizerRegistry.All.Select(entry => entry.Info.Name)));

// Fail (exit code 1) if either optimizer did not train: run.sh relies on it.
double start = problem.Loss(new float[problem.Features], 0f);
if (!(signum < start / 100 && adam < start / 100))
{
    Console.Error.WriteLine($"Training failed: a final loss is not below 1% of the starting loss {start:F6}.");
    return 1;
}
return 0;

double Train(string label, Func<Parameter<float>[], Optimizer> create)
{
    var weights = new Parameter<float>(new float[problem.Features], "w");
    var bias = new Parameter<float>(new float[1], "b");
    var gradW = new float[problem.Features];
    var gradB = new float[1];
    weights.Grad = gradW;
    bias.Grad = gradB;
    var optimizer = create([weights, bias]);

    double loss = 0;
    for (int step = 0; step <= Steps; step++)
    {
        // Forward and backward by hand; the gradients land in the arrays the parameters point to.
        loss = problem.Loss(weights.Data.Span, bias.Data.Span[0], gradW, gradB);
        if (step % 100 == 0)
            Console.WriteLine($"  {label,-32} step {step,4}: loss {loss:F6}");
        if (step < Steps) optimizer.Step();
    }
    var w = weights.Data.Span.ToArray();
    Console.WriteLine($"  {label,-32} w = [{string.Join(", ", w.Select(v => v.ToString("F3")))}], b = {bias.Data.Span[0]:F3}");
    return loss;
}

static void PrintDocumentation(OptimizerInfo info)
{
    Console.WriteLine($"{info.Name} ({info.Authors}, {info.Year}) {info.Paper}");
    Console.WriteLine($"  {info.Summary}");
    Console.WriteLine($"  Family: {info.Family}; builds on: {info.BuildsOn}; state: {info.BytesPerElement()} bytes per float32 parameter element");
    Console.WriteLine("  Hyperparameters:");
    foreach (var hyper in info.Hyperparameters)
        Console.WriteLine($"    {hyper.Name,-6} {hyper.Type,-6} default {hyper.Default,-6} range {hyper.Range,-8} {hyper.Description}");
    Console.WriteLine("  State:");
    foreach (var state in info.States)
        Console.WriteLine($"    {state.Name,-6} initial {state.Initial}, allocated {state.AllocatedWhen}");
    Console.WriteLine("  Update, per element:");
    foreach (var line in info.Update)
        Console.WriteLine($"    {line}");
    Console.WriteLine("  Computed once per step (hoisted):");
    foreach (var hoisted in info.Hoisted)
        Console.WriteLine($"    {hoisted.Name} = {hoisted.Expression}");
}
