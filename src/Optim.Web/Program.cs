namespace ScratchOptim.Web;

/// <summary>
/// The WebAssembly app's entry point. The page starts the .NET runtime and calls <see cref="RacePage"/>'s exports
/// directly; nothing has to run at start-up.
/// </summary>
public static class Program
{
    public static void Main()
    {
    }
}
