using System;
using System.Globalization;
using ScratchOptim.Training;

// The crash test's child: saves checkpoints to one path in a loop until it is killed. Version v holds a tensor
// of `count` floats all equal to v, and "version" = v in the metadata, so a reader can tell a complete
// checkpoint from a mixed or torn one. Prints "saved" once the first checkpoint is complete.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: ScratchOptim.Training.SaveLoop PATH FLOAT_COUNT");
    return 2;
}
string path = args[0];
var weights = new float[int.Parse(args[1], CultureInfo.InvariantCulture)];
var step = new long[1];
for (long version = 1; ; version++)
{
    Array.Fill(weights, version);
    step[0] = version;
    var writer = new SafeTensorsWriter()
        .Add<float>("weights", weights)
        .Add<long>("step", step);
    writer.Metadata["version"] = version.ToString(CultureInfo.InvariantCulture);
    writer.Save(path);
    if (version == 1)
    {
        Console.WriteLine("saved");
        Console.Out.Flush();
    }
}
