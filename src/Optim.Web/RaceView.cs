using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;
using ScratchOptim.Race.Plots;

namespace ScratchOptim.Web;

/// <summary>
/// The part of a landscape the map shows, chosen as the CLI's plots choose it (<see cref="PlotPlane"/>,
/// <see cref="PlotWindow"/>) from one race, then kept while the user changes settings, so the map stays put under
/// the paths and a click on it means the same place.
/// </summary>
public sealed record RaceView(ILandscape Landscape, PlotPlane Plane, PlotWindow Window)
{
    /// <summary>Map cells across and down.</summary>
    public const int Cells = 160;

    public static RaceView Fit(LandscapeRace race)
    {
        var plane = PlotPlane.For(race);
        return new RaceView(race.Landscape, plane, PlotWindow.For(race, plane));
    }

    /// <summary>The loss at the centre of every cell, row by row from the top (largest y) down.</summary>
    public double[] LossGrid()
    {
        var values = new double[Cells * Cells];
        for (int row = 0; row < Cells; row++)
        {
            double y = Window.YMax - (row + 0.5) * (Window.YMax - Window.YMin) / Cells;
            for (int column = 0; column < Cells; column++)
            {
                double x = Window.XMin + (column + 0.5) * (Window.XMax - Window.XMin) / Cells;
                values[row * Cells + column] = Landscape.Loss(Plane.Lift(x, y));
            }
        }
        return values;
    }
}
