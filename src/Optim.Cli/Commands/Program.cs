namespace ScratchOptim.Cli;

/// <summary>Entry point of the <c>optim</c> tool.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        System.Console.Error.WriteLine("optim: commands are being built");
        return args.Length == 0 ? 1 : 1;
    }
}
