using System.IO;
using System.Reflection;
using ResTuning.Serving.Endpoints;
using YamlDotNet.RepresentationModel;

namespace ResTuning.Serving.Tests;

/// <summary>
/// The manifests in <c>deploy/</c> against the server: probe paths are its health routes, ports its port, environment
/// settings its options; the Service, autoscaler and volume refer to what exists. (Rendering is checked by
/// <c>kubectl kustomize deploy/</c>, which needs no cluster; nothing here talks to one.)
/// </summary>
public sealed class DeploymentTests
{
    private static readonly string Deploy = Path.Combine(RepoRoot(), "deploy");

    [Fact]
    public void The_kustomization_lists_every_manifest_and_each_exists()
    {
        var listed = Sequence(Load("kustomization.yaml").Single(), "resources").Select(r => r.ToString()).ToArray();
        var files = Directory.GetFiles(Deploy, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order().ToArray();
        Assert.Equal(files, listed.Order().ToArray());
    }

    [Fact]
    public void The_deployment_probes_the_servers_health_routes_on_its_port()
    {
        var container = Container();
        var port = Assert.Single(Sequence(container, "ports"));
        Assert.Equal(ServingApp.DefaultPort.ToString(), Scalar(port, "containerPort"));
        var portName = Scalar(port, "name");
        Assert.Equal(HealthEndpoints.Ready, Scalar(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal(HealthEndpoints.Live, Scalar(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal(portName, Scalar(container, "readinessProbe", "httpGet", "port"));
        Assert.Equal(portName, Scalar(container, "livenessProbe", "httpGet", "port"));
    }

    [Fact]
    public void The_environment_names_real_options_and_the_task_folder_is_on_the_read_only_volume()
    {
        var container = Container();
        var env = Sequence(container, "env").ToDictionary(e => Scalar(e, "name"), e => Scalar(e, "value"));
        var options = typeof(ServingOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToHashSet();
        foreach (var key in env.Keys.Where(k => k.StartsWith(ServingOptions.Section + "__", StringComparison.Ordinal)))
            Assert.Contains(key[(ServingOptions.Section.Length + 2)..], options);
        Assert.Equal("false", env["Serving__SeedTasks"]);   // a read-only volume cannot be seeded

        var mount = Assert.Single(Sequence(container, "volumeMounts"));
        Assert.Equal("true", Scalar(mount, "readOnly"));
        Assert.StartsWith(Scalar(mount, "mountPath") + "/", env["Serving__TaskFolder"]);
        var volume = Assert.Single(Sequence(PodSpec(), "volumes"));
        Assert.Equal(Scalar(mount, "name"), Scalar(volume, "name"));
        Assert.Equal("true", Scalar(volume, "persistentVolumeClaim", "readOnly"));
        var claim = Load("models-pvc.yaml").Single();
        Assert.Equal(Scalar(claim, "metadata", "name"), Scalar(volume, "persistentVolumeClaim", "claimName"));
        Assert.Contains("ReadOnlyMany", Sequence(claim, "spec", "accessModes").Select(m => m.ToString()));
    }

    [Fact]
    public void The_service_and_the_autoscaler_point_at_the_deployment()
    {
        var deployment = Load("deployment.yaml").Single();
        var podLabels = Mapping(deployment, "spec", "template", "metadata", "labels");
        var service = Load("service.yaml").Single();
        foreach (var (key, value) in Mapping(service, "spec", "selector").Children)
            Assert.Equal(value.ToString(), podLabels.Children[key].ToString());
        var servicePort = Assert.Single(Sequence(service, "spec", "ports"));
        Assert.Equal(Scalar(Assert.Single(Sequence(Container(), "ports")), "name"), Scalar(servicePort, "targetPort"));

        var hpa = Load("hpa.yaml").Single();
        Assert.Equal("Deployment", Scalar(hpa, "spec", "scaleTargetRef", "kind"));
        Assert.Equal(Scalar(deployment, "metadata", "name"), Scalar(hpa, "spec", "scaleTargetRef", "name"));
        Assert.True(int.Parse(Scalar(hpa, "spec", "minReplicas")) <= int.Parse(Scalar(hpa, "spec", "maxReplicas")));
    }

    [Fact]
    public void The_dockerfile_exposes_the_port_and_starts_the_servers_assembly()
    {
        var text = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));
        Assert.Contains($"EXPOSE {ServingApp.DefaultPort}", text);
        Assert.Contains($"ASPNETCORE_HTTP_PORTS={ServingApp.DefaultPort}", text);
        Assert.Contains($"\"{typeof(ServingApp).Assembly.GetName().Name}.dll\"", text);
        Assert.Contains("ON PAPER", text);
    }

    private static YamlMappingNode Container() => (YamlMappingNode)Assert.Single(Sequence(PodSpec(), "containers"));

    private static YamlMappingNode PodSpec() => Mapping(Load("deployment.yaml").Single(), "spec", "template", "spec");

    private static IReadOnlyList<YamlMappingNode> Load(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Deploy, file))) stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToArray();
    }

    private static YamlNode Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            var mapping = Assert.IsType<YamlMappingNode>(node);
            Assert.True(mapping.Children.TryGetValue(new YamlScalarNode(key), out var child), $"no '{key}' in {string.Join(".", path)}");
            node = child!;
        }
        return node;
    }

    private static string Scalar(YamlNode node, params string[] path) => Assert.IsType<YamlScalarNode>(Node(node, path)).Value!;

    private static YamlMappingNode Mapping(YamlNode node, params string[] path) => Assert.IsType<YamlMappingNode>(Node(node, path));

    private static IEnumerable<YamlNode> Sequence(YamlNode node, params string[] path) => Assert.IsType<YamlSequenceNode>(Node(node, path)).Children;

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ResTuning.Dsl.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("ResTuning.Dsl.sln not found above the test's folder.");
    }
}
