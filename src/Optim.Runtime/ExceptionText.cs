using System;

namespace ScratchOptim;

/// <summary>The message of an exception passed on inside an error of one line: a corrupt file's, a command line's.</summary>
public static class ExceptionText
{
    /// <summary>
    /// What <paramref name="exception"/> says, on one line: without the " (Parameter 'name')" and the "Actual value
    /// was" line .NET appends for a programmer, since the name is a C# parameter's, not a key of the file or an option
    /// of the command.
    /// </summary>
    public static string Reason(ArgumentException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string message = exception.Message;
        int newline = message.IndexOf('\n', StringComparison.Ordinal);
        if (newline >= 0) message = message[..newline];
        if (exception.ParamName is { } name) message = message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal);
        return message.TrimEnd();
    }
}
