using System;

namespace ScratchOptim.Cli.Commands;

/// <summary>Input a command cannot work with; its message is shown as the one-line error, without a stack trace.</summary>
public sealed class InvalidInputException(string message, Exception? innerException = null) : Exception(message, innerException);
