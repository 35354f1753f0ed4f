using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using ScratchOptim.Optimizers;
using Xunit;

namespace ScratchOptim.Tests;

/// <summary>
/// Regression tests for the runtime defects an outside probe found (issue 14): each checks that bad input gets a
/// typed exception that says what and where, before anything changes, and that a save never corrupts its target.
/// </summary>
public class RuntimeDefectTests
{
    private static Parameter<float> NewParameter(string? name, int length, float gradient)
    {
        var parameter = new Parameter<float>(Enumerable.Range(0, length).Select(i => 0.25f * i - 1).ToArray(), name);
        parameter.Grad = Enumerable.Repeat(gradient, length).ToArray();
        return parameter;
    }

    [Fact]
    public void A_step_count_at_its_limit_stops_the_step_before_any_parameter_is_updated()
    {
        var first = NewParameter("first", 5, 0.5f);
        var second = NewParameter("second", 3, -0.5f);
        var optimizer = new Adam([first, second]);
        optimizer.LoadState<float>(second, "exp_avg", new float[3], step: int.MaxValue);
        float[] before = first.Data.ToArray();

        var exception = Assert.Throws<InvalidOperationException>(optimizer.Step);

        Assert.Contains("parameter 'second[3]' (group 0, index 1) has taken 2147483647 steps", exception.Message);
        Assert.Equal(before, first.Data.ToArray());
        Assert.Equal(0, optimizer.StepCount(first));
        Assert.True(optimizer.State<float>(first, "exp_avg").IsEmpty);
        Assert.Equal(int.MaxValue, optimizer.StepCount(second));
    }

    /// <summary>
    /// The last step a step count allows (t = int.MaxValue) is a step like any other: NAdam's next momentum reads
    /// 0.96^((t + 1) · momentumDecay), and t + 1 computed as an int wrapped to int.MinValue, 0.96 to a huge negative
    /// power is ∞, and every weight became NaN.
    /// </summary>
    [Fact]
    public void NAdam_takes_the_last_step_its_step_count_allows_without_writing_NaN()
    {
        var parameter = NewParameter("w", 4, 0.5f);
        var optimizer = new NAdam([parameter]);
        optimizer.LoadState<float>(parameter, "exp_avg", new float[] { 0.1f, 0.2f, 0.3f, 0.4f }, step: int.MaxValue - 1);
        optimizer.LoadState<float>(parameter, "exp_avg_sq", new float[] { 1, 1, 1, 1 }, step: int.MaxValue - 1);
        float[] before = parameter.Data.ToArray();

        optimizer.Step();

        Assert.Equal(int.MaxValue, optimizer.StepCount(parameter));
        Assert.All(parameter.Data.ToArray(), value => Assert.True(float.IsFinite(value), $"{value} is not finite"));
        // A gradient of +0.5 everywhere: every weight goes down, by less than the learning rate times a few.
        Assert.All(parameter.Data.ToArray().Zip(before), pair => Assert.InRange(pair.Second - pair.First, 1e-5f, 0.02f));
    }

    /// <summary>
    /// RAdam's rhoT = rhoInf - 2·t·beta2^t / (1 - beta2^t) computed 2·t as an int, which wraps from t = 2^30 on: with a
    /// beta2 whose powers are still far from 0 there, the rectification term came out about twice as large. The step is
    /// checked against the formula computed here.
    /// </summary>
    [Fact]
    public void RAdam_computes_its_rectification_without_int_overflow_from_step_two_to_the_thirtieth()
    {
        const int T = 1 << 30;
        const double Lr = 1e-3, Beta2 = 1 - 1e-9, Eps = 1e-8;
        var parameter = new Parameter<double>(new double[] { 1.0 }, "w") { Grad = new double[] { 0.5 } };
        var optimizer = new RAdam([parameter], lr: Lr, beta2: Beta2, eps: Eps);
        optimizer.LoadState<double>(parameter, "exp_avg", new double[] { 0.5 }, step: T - 1);
        optimizer.LoadState<double>(parameter, "exp_avg_sq", new double[] { 4.0 }, step: T - 1);

        optimizer.Step();

        // The gradient equals the first moment, which stays 0.5; beta1^t is 0, so its bias correction is 1.
        double v = Beta2 * 4.0 + (1 - Beta2) * 0.25;
        double beta2T = Math.Pow(Beta2, T), biasCorrection2 = 1 - beta2T;
        double rhoInf = 2 / (1 - Beta2) - 1;
        double rhoT = rhoInf - 2.0 * T * beta2T / biasCorrection2;
        double rect = Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        double expected = 0.5 * Lr * Math.Sqrt(biasCorrection2) / (Math.Sqrt(v) + Eps) * rect;
        Assert.InRange((1.0 - parameter.Data.Span[0]) / expected, 1 - 1e-9, 1 + 1e-9);
    }

    [Fact]
    public void Two_parameters_over_the_same_memory_are_refused_in_one_group_across_groups_and_when_added()
    {
        var memory = new float[8];
        var left = new Parameter<float>(memory.AsMemory(0, 5), [5], "left");
        var right = new Parameter<float>(memory.AsMemory(3, 5), [5], "right");
        var apart = new Parameter<float>(new float[5], "apart");

        Assert.Contains("share memory", Assert.Throws<ArgumentException>(() => new SGD([left, right])).Message);
        Assert.Contains("share memory", Assert.Throws<ArgumentException>(() => new SGD(new ParameterGroups { { [left] }, { [right] } })).Message);
        var optimizer = new SGD([left, apart]);
        Assert.Contains("'right[5]' and 'left[5]' share memory", Assert.Throws<ArgumentException>(() => optimizer.AddParamGroup([right])).Message);
        Assert.Equal(1, optimizer.GroupCount);
    }

    [Fact]
    public void A_shape_whose_element_count_overflows_is_refused_instead_of_wrapping_to_zero()
    {
        var exception = Assert.Throws<ArgumentException>(() => new Parameter<float>(new float[0], [65536, 65536, 65536, 65536], "huge"));
        Assert.Contains("holds more than 2147483647 elements", exception.Message);
        Assert.Throws<ArgumentException>(() => new Parameter<double>(new double[0], [65536, 65536], "square"));
    }

    [Fact]
    public void Null_data_and_a_null_hyperparameter_are_argument_null_exceptions()
    {
        Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => new Parameter<float>((float[])null!)).ParamName);
        Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => new Parameter<double>((double[])null!, "d")).ParamName);

        var optimizer = new Adam([NewParameter("w", 3, 1f)], lr: 0.01);
        var settings = optimizer.GroupHyperparameters(0);
        foreach (string name in new[] { "lr", "betas[0]", "amsgrad", "pytorch" })
        {
            var exception = Assert.Throws<ArgumentNullException>(() => settings.Set(name, null!));
            Assert.Contains($"hyperparameter '{name}'", exception.Message);
        }
        Assert.Equal(0.01, settings.Get("lr"));
        Assert.Equal(false, settings.Get("amsgrad"));
    }

    [Fact]
    public void A_state_holding_NaN_and_infinities_saves_to_a_complete_file_that_loads_back()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "state.json");
        var parameter = NewParameter("w", 4, 1f);
        var optimizer = new Adam([parameter]);
        optimizer.Step();
        optimizer.SaveState(path);
        optimizer.LoadState<float>(parameter, "exp_avg", new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0.5f }, step: 3);
        optimizer.LoadState<float>(parameter, "exp_avg_sq", new[] { 1f, 2f, 3f, float.NaN }, step: 3);

        optimizer.SaveState(path);

        string text = File.ReadAllText(path);
        Assert.Contains("\"NaN\"", text);
        Assert.Contains("\"-Infinity\"", text);
        var loaded = new Adam([NewParameter("w", 4, 1f)]);
        loaded.LoadState(path);
        var exp = loaded.State<float>(loaded.Parameters.Single(), "exp_avg").ToArray();
        Assert.True(float.IsNaN(exp[0]));
        Assert.Equal(new[] { float.PositiveInfinity, float.NegativeInfinity, 0.5f }, exp[1..]);
        Assert.True(float.IsNaN(loaded.State<float>(loaded.Parameters.Single(), "exp_avg_sq")[3]));
        Assert.Equal(3, loaded.StepCount(loaded.Parameters.Single()));
    }

    [Fact]
    public void A_save_to_a_path_that_fails_before_the_rename_leaves_the_previous_file_and_no_temporary_file()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "state.json");
        var parameter = NewParameter("w", 4, 1f);
        var optimizer = new Adam([parameter]);
        optimizer.SaveState(path);
        byte[] previous = File.ReadAllBytes(path);
        optimizer.Step();

        AtomicFile.BeforeRename = _ => throw new IOException("the disk went away");
        try
        {
            Assert.Throws<IOException>(() => optimizer.SaveState(path));
        }
        finally
        {
            AtomicFile.BeforeRename = null;
        }

        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(["state.json"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_state_file_saved_for_w_and_v_loads_into_v_and_w_by_name()
    {
        var w = NewParameter("w", 3, 1f);
        var v = NewParameter("v", 2, -2f);
        var saved = new Adam([w, v]);
        saved.Step();
        using var file = new MemoryStream();
        saved.SaveState(file);

        var v2 = NewParameter("v", 2, 0f);
        var w2 = NewParameter("w", 3, 0f);
        var loaded = new Adam([v2, w2]);
        loaded.LoadState(new MemoryStream(file.ToArray()));

        Assert.Equal(saved.State<float>(w, "exp_avg").ToArray(), loaded.State<float>(w2, "exp_avg").ToArray());
        Assert.Equal(saved.State<float>(v, "exp_avg_sq").ToArray(), loaded.State<float>(v2, "exp_avg_sq").ToArray());
    }

    public static TheoryData<string, string> CorruptStateFiles => new()
    {
        // Wrong-typed fields.
        { """{"format": 5}""", "'format' is not \"scratchoptim-state/1\"" },
        { """{"format": "scratchoptim-state/1", "optimizer": ["Adam"], "groups": []}""", "it holds the state of '[\"Adam\"]', not of Adam" },
        { "groups[0].parameters[0].name=5", "group 0, entry 0: 'name' is not a string or null" },
        { "groups[0].parameters[0].step=\"2\"", "'step' must be a whole number of steps" },
        { "groups[0].parameters[0].length=true", "it was saved with true elements" },
        { "groups[0].parameters[0].state.exp_avg[1]=\"x\"", "state 'exp_avg', element 1 is not a number" },
        { "groups[0].parameters[0].state.exp_avg[1]=[1]", "state 'exp_avg', element 1 is not a number" },
        { "groups[0].hyperparameters.lr=[0.1]", "hyperparameter 'lr' is not a number, a boolean, a name or null" },
        { "groups[0].hyperparameters.amsgrad=1", "group 0: Adam: hyperparameter 'amsgrad' is a Boolean" },
        // Numbers out of range: a double's, and a float state's.
        { "groups[0].parameters[0].state.exp_avg[2]=1e400", "state 'exp_avg', element 2 is 1e400, beyond the range of a double" },
        { "groups[0].parameters[0].state.exp_avg_sq[0]=3.5e38", "state 'exp_avg_sq', element 0 is 3.5E+38, beyond the range of its float32 values" },
        { "groups[0].parameters[0].step=2147483648", "'step' must be a whole number of steps, from 0 to 2147483647" },
    };

    [Theory]
    [MemberData(nameof(CorruptStateFiles))]
    public void A_state_file_with_a_wrong_typed_or_out_of_range_field_is_an_invalid_data_exception_saying_where(string edit, string reason)
    {
        var (optimizer, parameter, file) = TrainedAdam();
        string text = edit.StartsWith('{') ? edit : Edit(file, edit);
        AssertRejectedAndUnchanged(optimizer, parameter, Encoding.UTF8.GetBytes(text), reason);
    }

    [Fact]
    public void A_key_twice_in_one_object_is_an_invalid_data_exception_naming_the_object()
    {
        var (optimizer, parameter, file) = TrainedAdam();
        string twice = file.Replace("\"exp_avg\": [", "\"exp_avg_sq\": [0, 0, 0], \"exp_avg\": [", StringComparison.Ordinal);
        AssertRejectedAndUnchanged(optimizer, parameter, Encoding.UTF8.GetBytes(twice), "groups[0].parameters[0].state has the key 'exp_avg_sq' twice");
        string twiceAtTop = file.Replace("\"optimizer\": \"Adam\"", "\"optimizer\": \"Adam\", \"optimizer\": \"SGD\"", StringComparison.Ordinal);
        AssertRejectedAndUnchanged(optimizer, parameter, Encoding.UTF8.GetBytes(twiceAtTop), "the file has the key 'optimizer' twice");
    }

    [Fact]
    public void A_state_file_that_is_not_UTF8_is_an_invalid_data_exception_naming_the_byte()
    {
        var (optimizer, parameter, file) = TrainedAdam();
        byte[] bytes = Encoding.UTF8.GetBytes(file);
        int at = file.IndexOf("\"w\"", StringComparison.Ordinal) + 1;
        bytes[at] = 0xFF;
        AssertRejectedAndUnchanged(optimizer, parameter, bytes, $"the file is not valid UTF-8 (at byte {at})");
    }

    [Fact]
    public void The_JSON_export_is_bounded_a_larger_state_is_refused_before_a_byte_is_written()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "state.json");
        int length = Optimizer.JsonStateMaxValues + 1;
        var parameter = new Parameter<float>(new float[length], "big");
        var optimizer = new SGD([parameter], lr: 0.1, momentum: 0.9);
        optimizer.SaveState(path);
        byte[] previous = File.ReadAllBytes(path);
        optimizer.LoadState<float>(parameter, "momentum_buffer", new float[length], step: 1);

        using var stream = new MemoryStream();
        var exception = Assert.Throws<InvalidOperationException>(() => optimizer.SaveState(stream));
        Assert.Contains($"the state holds {length} values; the JSON export takes at most {Optimizer.JsonStateMaxValues}", exception.Message);
        Assert.Equal(0, stream.Length);
        Assert.Throws<InvalidOperationException>(() => optimizer.SaveState(path));
        Assert.Equal(previous, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_state_file_larger_than_the_bound_is_refused_without_reading_it()
    {
        var (optimizer, parameter, _) = TrainedAdam();
        var huge = new EndlessStream(length: Optimizer.JsonStateMaxBytes + 1L);
        var exception = Assert.Throws<InvalidDataException>(() => optimizer.LoadState(huge));
        Assert.Contains($"it is larger than {Optimizer.JsonStateMaxBytes} bytes", exception.Message);
        Assert.Equal(0, huge.BytesRead);
        Assert.Equal(2, optimizer.StepCount(parameter));
    }

    /// <summary>A seekable stream of spaces of a given length, which never holds them.</summary>
    private sealed class EndlessStream(long length) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = (int)Math.Min(count, length - Position);
            buffer.AsSpan(offset, read).Fill((byte)' ');
            Position += read;
            BytesRead += read;
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }
    }

    private static (Adam Optimizer, Parameter<float> Parameter, string File) TrainedAdam()
    {
        var parameter = NewParameter("w", 3, 1f);
        var optimizer = new Adam([parameter], lr: 0.01);
        optimizer.Step();
        optimizer.Step();
        using var stream = new MemoryStream();
        optimizer.SaveState(stream);
        return (optimizer, parameter, Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>Sets the value at a path (<c>a.b[0].c=JSON</c>) of a state file.</summary>
    private static string Edit(string file, string edit)
    {
        int equals = edit.IndexOf('=', StringComparison.Ordinal);
        var root = JsonNode.Parse(file)!;
        JsonNode node = root;
        string[] steps = edit[..equals].Replace("[", ".[", StringComparison.Ordinal).Split('.');
        for (int i = 0; i < steps.Length - 1; i++)
            node = steps[i].StartsWith('[') ? node[int.Parse(steps[i][1..^1], System.Globalization.CultureInfo.InvariantCulture)]! : node[steps[i]]!;
        string last = steps[^1];
        string value = edit[(equals + 1)..];
        // Written as text, so that numbers beyond a double (1e400) reach the file as they are.
        const string Marker = "\"__VALUE__\"";
        if (last.StartsWith('[')) node[int.Parse(last[1..^1], System.Globalization.CultureInfo.InvariantCulture)] = "__VALUE__";
        else node[last] = "__VALUE__";
        return root.ToJsonString().Replace(Marker, value, StringComparison.Ordinal);
    }

    private static void AssertRejectedAndUnchanged(Adam optimizer, Parameter<float> parameter, byte[] file, string reason)
    {
        float[] exp = optimizer.State<float>(parameter, "exp_avg").ToArray();
        var exception = Assert.Throws<InvalidDataException>(() => optimizer.LoadState(new MemoryStream(file)));
        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was changed.", exception.Message, StringComparison.Ordinal);
        Assert.Equal(exp, optimizer.State<float>(parameter, "exp_avg").ToArray());
        Assert.Equal(2, optimizer.StepCount(parameter));
        Assert.Equal(0.01, optimizer.ParamGroups[0].Hyper.Lr);
    }

    private sealed class TempDirectory : IDisposable
    {
        public TempDirectory() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "scratchoptim-tests-" + Guid.NewGuid().ToString("N"));

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
