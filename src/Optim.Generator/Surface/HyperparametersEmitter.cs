using System.Collections.Generic;
using System.Linq;
using ScratchOptim.Generator.Ir;
using ScratchOptim.Generator.Syntax;
using ScratchOptim.Generator.Targets;
using ScratchOptim.Generator.Targets.Cpu;

namespace ScratchOptim.Generator.Surface
{
    /// <summary>Writes the nested <c>Hyperparameters</c> class: one validated property per <c>[Hyper]</c> field.</summary>
    internal static class HyperparametersEmitter
    {
        public static void Write(SourceWriter writer, OptimizerModel model, string generatedCode)
        {
            string name = model.Declaration.Name;
            writer.Line("/// <summary>The hyperparameters of <see cref=\"" + name + "\"/> for one parameter group; each is checked against its range when set.</summary>");
            writer.Line(generatedCode);
            writer.Line("public sealed class Hyperparameters : global::ScratchOptim.HyperparameterSet");
            using (writer.Block())
            {
                foreach (var hyper in model.Hypers)
                    writer.Line("private " + TypeName(hyper) + " " + CSharp.Id(hyper.Name) + " = " + Literal(hyper) + ";");
                foreach (var hyper in model.Hypers)
                {
                    writer.Line();
                    writer.Line("/// <summary>" + CSharp.Xml(Describe(hyper)) + "</summary>");
                    writer.Line("public " + TypeName(hyper) + " " + DslNames.PascalCase(hyper.Name));
                    using (writer.Block())
                    {
                        writer.Line("get => " + CSharp.Id(hyper.Name) + ";");
                        writer.Line("set => " + CSharp.Id(hyper.Name) + " = " + Validated(hyper) + ";");
                    }
                }
                writer.Line();
                writer.Line("/// <inheritdoc/>");
                writer.Line("public override global::ScratchOptim.OptimizerInfo Optimizer => Documentation;");
                writer.Line();
                writer.Line("/// <summary>A copy of these settings.</summary>");
                writer.Line("public Hyperparameters Clone() => (Hyperparameters)MemberwiseClone();");
                writer.Line();
                writer.Line("/// <inheritdoc/>");
                writer.Line("public override object? Get(string name) => name switch");
                using (writer.Block(";"))
                {
                    foreach (var hyper in model.Hypers)
                        writer.Line(Labels(model, hyper, " or ") + " => " + DslNames.PascalCase(hyper.Name) + ",");
                    writer.Line("_ => throw UnknownName(name),");
                }
                writer.Line();
                writer.Line("/// <inheritdoc/>");
                writer.Line("public override void Set(string name, object? value)");
                using (writer.Block())
                {
                    writer.Line("switch (name)");
                    using (writer.Block())
                    {
                        foreach (var hyper in model.Hypers)
                        {
                            writer.Line("case " + Labels(model, hyper, ": case ") + ":");
                            writer.Indent();
                            writer.Line(DslNames.PascalCase(hyper.Name) + " = Convert<" + TypeName(hyper) + ">(name, value);");
                            writer.Line("break;");
                            writer.Outdent();
                        }
                        writer.Line("default:");
                        writer.Indent();
                        writer.Line("throw UnknownName(name);");
                        writer.Outdent();
                    }
                }
            }
        }

        /// <summary>The description, range and PyTorch name of a hyperparameter, for XML docs.</summary>
        public static string Describe(HyperModel hyper)
        {
            var parts = new List<string>();
            if (hyper.Description.Length > 0) parts.Add(hyper.Description.TrimEnd('.') + ".");
            if (hyper.Enum is { } enumType)
                parts.Add("One of " + string.Join(", ", enumType.Members.Select(m => m.Name)) + ".");
            else if (hyper.Type != HyperType.Bool)
                parts.Add("Range " + Syntax.DeclarationParser.FormatRange(hyper.Min, hyper.MinExclusive, hyper.Max, hyper.MaxExclusive) + (hyper.Optional ? ", or null" : "") + ".");
            parts.Add("PyTorch: " + hyper.TorchName + ".");
            return string.Join(" ", parts);
        }

        /// <summary>The hyperparameter's type as C# source.</summary>
        public static string TypeName(HyperModel hyper) => hyper.Enum?.Type ?? TypeName(hyper.Type) + (hyper.Optional ? "?" : "");

        public static string TypeName(HyperType type) => type switch
        {
            HyperType.Bool => "bool",
            HyperType.Int => "int",
            _ => "double",
        };

        public static string Literal(HyperModel hyper) => hyper.Optional && double.IsNaN(hyper.Default) ? "null" : hyper.Type switch
        {
            HyperType.Bool => hyper.Default != 0 ? "true" : "false",
            HyperType.Int => ((int)hyper.Default).ToString(System.Globalization.CultureInfo.InvariantCulture),
            HyperType.Enum => hyper.Enum!.Type + "." + CSharp.Id(hyper.DefaultMember!),
            _ => CSharp.DoubleLiteral(hyper.Default),
        };

        private static string Validated(HyperModel hyper)
        {
            if (hyper.Type == HyperType.Bool) return "value";
            if (hyper.Type == HyperType.Enum) return "CheckDefined(\"" + hyper.Name + "\", value)";
            if (hyper.Optional)
                return "value is null ? null : CheckRange(\"" + hyper.Name + "\", value.Value, " + CSharp.DoubleLiteral(hyper.Min) + ", "
                    + Bool(hyper.MinExclusive) + ", " + CSharp.DoubleLiteral(hyper.Max) + ", " + Bool(hyper.MaxExclusive) + ")";
            string check = "CheckRange(\"" + hyper.Name + "\", value, " + CSharp.DoubleLiteral(hyper.Min) + ", "
                + Bool(hyper.MinExclusive) + ", " + CSharp.DoubleLiteral(hyper.Max) + ", " + Bool(hyper.MaxExclusive) + ")";
            return hyper.Type == HyperType.Int ? "(int)" + check : check;
        }

        /// <summary>
        /// The names a hyperparameter answers to: its own, and its PyTorch name unless that is already another
        /// hyperparameter's name or an earlier one's PyTorch name (a switch cannot have a label twice).
        /// </summary>
        private static string Labels(OptimizerModel model, HyperModel hyper, string separator)
        {
            var names = new List<string> { hyper.Name };
            bool taken = model.Hypers.Any(h => h.Name == hyper.TorchName) || model.Hypers.TakeWhile(h => h != hyper).Any(h => h.TorchName == hyper.TorchName);
            if (!taken) names.Add(hyper.TorchName);
            return string.Join(separator, names.Select(n => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(n, quote: true)));
        }

        private static string Bool(bool value) => value ? "true" : "false";
    }
}
