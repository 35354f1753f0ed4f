using System;
using System.Buffers;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ScratchOptim.Web;

/// <summary>
/// JSON for the page, written by hand (no reflection, so trimming keeps nothing it does not need). Single numbers are
/// written shortest-round-trip, so a float32 widened to double reaches the page exactly; JSON has no NaN or
/// infinity, so those are written as the strings "NaN", "Infinity" and "-Infinity", which JavaScript's Number() reads
/// back. Long runs of numbers (paths, losses, the map) go as base64 float64 bytes (<see cref="Float64s"/>).
/// </summary>
internal static class Json
{
    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void Number(this Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }

    public static void Number(this Utf8JsonWriter writer, string name, double value)
    {
        writer.WritePropertyName(name);
        writer.Number(value);
    }

    public static void Numbers(this Utf8JsonWriter writer, IEnumerable<double> values)
    {
        writer.WriteStartArray();
        foreach (double value in values) writer.Number(value);
        writer.WriteEndArray();
    }

    public static void Numbers(this Utf8JsonWriter writer, string name, IEnumerable<double> values)
    {
        writer.WritePropertyName(name);
        writer.Numbers(values);
    }

    public static void Strings(this Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values) writer.WriteStringValue(value);
        writer.WriteEndArray();
    }

    /// <summary>
    /// Many numbers as one base64 string of their float64 bytes (little-endian, as WebAssembly and the page's
    /// Float64Array): exact to the bit, and far quicker to write and read than decimal text.
    /// </summary>
    public static void Float64s(this Utf8JsonWriter writer, string name, ReadOnlySpan<double> values) =>
        writer.WriteBase64String(name, MemoryMarshal.AsBytes(values));

    /// <summary>A number of a request, also given as one of the strings <see cref="Number(Utf8JsonWriter, double)"/> writes.</summary>
    public static double ReadNumber(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String when element.GetString() is "NaN" => double.NaN,
        JsonValueKind.String when element.GetString() is "Infinity" => double.PositiveInfinity,
        JsonValueKind.String when element.GetString() is "-Infinity" => double.NegativeInfinity,
        _ => throw new FormatException($"Expected a number, got {element.GetRawText()}."),
    };
}
