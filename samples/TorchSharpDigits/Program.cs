// Trains a TorchSharp MLP (64-128-10, ReLU, cross-entropy) on handwritten digits with ScratchOptim's AdamW, through
// ScratchOptim.TorchSharp: the optimizer's kernels read each parameter's grad and write its weights in place.
// Usage: TorchSharpDigits [--data digits.csv.gz] [--epochs 30] [--lr 0.003] [--seed 1]
// Exits with 1 if the test accuracy ends below 95 %, with 2 (and one line on stderr) on a bad option or data file.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using ScratchOptim.Optimizers;
using ScratchOptim.Samples.TorchSharpDigits;
using ScratchOptim.Training;
using ScratchOptim.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

string? dataFile = null;
int epochs = 30, seed = 1;
double lr = 3e-3;
Digits train, test;
nn.Module<Tensor, Tensor> model;
TorchOptimizer<AdamW> optimizer;
CosineAnnealingLR schedule;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
        switch (args[i++])
        {
            case "--data": dataFile = value; break;
            case "--epochs":
                epochs = int.Parse(value, CultureInfo.InvariantCulture);
                if (epochs < 1) throw new ArgumentException($"--epochs must be 1 or more; got {epochs}.");
                break;
            case "--lr": lr = double.Parse(value, CultureInfo.InvariantCulture); break;
            case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); break;
            default: throw new ArgumentException($"Unknown option {args[i - 1]}; the options are --data, --epochs, --lr and --seed.");
        }
    }
    (train, test) = Digits.Load(dataFile).Split(testShare: 0.2, seed: 2024);

    // Tiny matrices: one thread is faster than LibTorch's pool, and leaves the other cores alone.
    torch.set_num_threads(1);
    torch.manual_seed(seed);
    model = nn.Sequential(("fc1", nn.Linear(Digits.PixelCount, 128)), ("relu", nn.ReLU()), ("fc2", nn.Linear(128, Digits.ClassCount)));
    optimizer = TorchOptimizer.Create(model, parameters =>
    {
        // Weight decay on the weights only, as usual: the biases are a group of their own, without it.
        var adamW = new AdamW(parameters.Where(p => p.Name!.EndsWith(".weight", StringComparison.Ordinal)), lr: lr, weightDecay: 1e-2);
        adamW.AddParamGroup(parameters.Where(p => p.Name!.EndsWith(".bias", StringComparison.Ordinal)), group => group.WeightDecay = 0);
        return adamW;
    });
    // ScratchOptim.Training's schedules drive the groups' learning rates, whatever the parameters are.
    schedule = new CosineAnnealingLR(optimizer.Optimizer, tMax: epochs);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or IOException or UnauthorizedAccessException or InvalidDataException)
{
    // A missing or unreadable --data file, a malformed line in it, or a bad option (--lr -1, which AdamW refuses):
    // one line, not a stack trace.
    Console.Error.WriteLine($"TorchSharpDigits: {e.Message.ReplaceLineEndings(" ")}");
    return 2;
}
Console.WriteLine($"Data: {train.Source}; {test.Count} test images.");
Console.WriteLine($"Model: {string.Join(", ", optimizer.Parameters.Select(p => p.ToString()))}; {optimizer.Optimizer.Info.Name}, lr {lr} on a cosine schedule over {epochs} epochs.");

using var trainImages = tensor(train.Pixels, [train.Count, Digits.PixelCount]);
using var trainLabels = tensor(train.Labels);
using var testImages = tensor(test.Pixels, [test.Count, Digits.PixelCount]);
using var testLabels = tensor(test.Labels);
var shuffle = new Generator((ulong)seed);
const int batchSize = 32;
double accuracy = 0;
var clock = Stopwatch.StartNew();
Console.WriteLine("epoch  train loss  test accuracy");
for (int epoch = 1; epoch <= epochs; epoch++)
{
    using var scope = NewDisposeScope();
    var order = randperm(train.Count, generator: shuffle);
    double lossSum = 0;
    for (int start = 0; start < train.Count; start += batchSize)
    {
        var batch = order.narrow(0, start, Math.Min(batchSize, train.Count - start));
        optimizer.ZeroGrad();
        var loss = nn.functional.cross_entropy(model.forward(trainImages.index_select(0, batch)), trainLabels.index_select(0, batch));
        loss.backward();
        optimizer.Step();
        lossSum += loss.ToDouble() * batch.shape[0];
    }
    schedule.Step();

    using (no_grad())
    {
        long correct = model.forward(testImages).argmax(1).eq(testLabels).sum().ToInt64();
        accuracy = (double)correct / test.Count;
    }
    if (epoch == 1 || epoch % 5 == 0 || epoch == epochs)
        Console.WriteLine($"{epoch,5}  {lossSum / train.Count,10:F4}  {accuracy,13:P1}");
}
Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F1} s: test accuracy {accuracy:P1}.");
return accuracy >= 0.95 ? 0 : 1;
