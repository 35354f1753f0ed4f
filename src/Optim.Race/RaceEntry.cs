namespace ScratchOptim.Race;

/// <summary>A racer with the learning rate it races at.</summary>
public sealed record RaceEntry(Racer Racer, double LearningRate);
