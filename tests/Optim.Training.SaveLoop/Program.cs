using System;
using System.Globalization;
using ScratchOptim;
using ScratchOptim.Optimizers;
using ScratchOptim.Training;

// The crash test's child: saves checkpoints to one path in a loop until it is killed. Checkpoint v is an SGD with
// momentum after v steps on a constant gradient (so its momentum buffer is a known function of v), over weights all
// equal to v, with "version" = v in its metadata: a reader can tell a complete checkpoint from a mixed or torn one.
// Prints "saved" once the first checkpoint is complete.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: ScratchOptim.Training.SaveLoop PATH FLOAT_COUNT");
    return 2;
}
string path = args[0];
var weights = new Parameter<float>(new float[int.Parse(args[1], CultureInfo.InvariantCulture)], "weights");
weights.Grad = new float[weights.Length];
weights.Grad.Value.Span.Fill(1f);
var optimizer = new SGD([weights], lr: 0.5, momentum: 0.9);
var checkpoint = new Checkpoint(optimizer);
for (int version = 1; ; version++)
{
    optimizer.Step();
    weights.Data.Span.Fill(version);
    checkpoint.Metadata["version"] = version.ToString(CultureInfo.InvariantCulture);
    checkpoint.Save(path);
    if (version == 1)
    {
        Console.WriteLine("saved");
        Console.Out.Flush();
    }
}
