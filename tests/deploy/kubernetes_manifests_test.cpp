// deploy/kubernetes as shipped: every manifest parses, the kustomization lists exactly the manifests, and
// the resources have the properties issue 12 asks for (two replicas, probes, a locked-down pod, Secrets
// only by reference, a PDB, a NetworkPolicy, Prometheus annotations, a grace period longer than the
// daemon's readiness drain plus its shutdown timeout). The ConfigMap's regscand.yaml reads its secrets from
// the projected files.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace regscand::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = fs::path(REGSCAND_TESTS_DIR).parent_path() / "deploy/kubernetes";
const std::string kSelector = "regscand";

class KubernetesManifests : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const auto& entry : fs::directory_iterator(kDir)) {
      if (entry.path().extension() != ".yaml" || entry.path().filename() == "kustomization.yaml") continue;
      const auto doc = YAML::LoadFile(entry.path().string());  // throws (fails the suite) when malformed
      files_.insert(entry.path().filename().string());
      resources_[doc["kind"].as<std::string>()] = doc;
    }
  }
  static const YAML::Node& kind(const std::string& name) { return resources_.at(name); }
  static YAML::Node pod() { return kind("Deployment")["spec"]["template"]; }
  static YAML::Node container() { return pod()["spec"]["containers"][0]; }

  static inline std::set<std::string> files_;
  static inline std::map<std::string, YAML::Node> resources_;
};

std::vector<std::string> strings(const YAML::Node& list) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(item.as<std::string>());
  return out;
}

int seconds(const std::string& duration) {  // "20s", "2m": the forms regscand.yaml uses here
  const int n = std::stoi(duration);
  return duration.ends_with("m") ? n * 60 : n;
}

TEST_F(KubernetesManifests, KustomizationListsEveryManifestAndPinsTheImageByDigest) {
  const auto kustomization = YAML::LoadFile((kDir / "kustomization.yaml").string());
  const auto listed = strings(kustomization["resources"]);
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), files_);
  EXPECT_EQ(listed.size(), files_.size());
  for (const auto* k :
       {"Deployment", "Service", "ConfigMap", "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy"}) {
    EXPECT_TRUE(resources_.contains(k)) << k;
  }
  EXPECT_FALSE(resources_.contains("Secret")) << "Secrets are referenced, never shipped";
  const auto image = kustomization["images"][0];
  EXPECT_EQ(image["name"].as<std::string>(), container()["image"].as<std::string>());
  EXPECT_TRUE(image["digest"].as<std::string>().starts_with("sha256:"));
  EXPECT_EQ(image["digest"].as<std::string>().size(), 7u + 64u);
}

TEST_F(KubernetesManifests, DeploymentRunsTwoReplicasWithProbesAndPrometheusAnnotations) {
  const auto spec = kind("Deployment")["spec"];
  EXPECT_EQ(spec["replicas"].as<int>(), 2);
  EXPECT_EQ(spec["selector"]["matchLabels"]["app.kubernetes.io/name"].as<std::string>(), kSelector);
  EXPECT_EQ(pod()["metadata"]["labels"]["app.kubernetes.io/name"].as<std::string>(), kSelector);
  EXPECT_EQ(spec["strategy"]["rollingUpdate"]["maxUnavailable"].as<int>(), 0);

  const auto annotations = pod()["metadata"]["annotations"];
  EXPECT_EQ(annotations["prometheus.io/scrape"].as<std::string>(), "true");
  EXPECT_EQ(annotations["prometheus.io/port"].as<std::string>(), "8080");
  EXPECT_EQ(annotations["prometheus.io/path"].as<std::string>(), "/metrics");

  const auto c = container();
  EXPECT_EQ(c["ports"][0]["containerPort"].as<int>(), 8080);
  EXPECT_EQ(c["livenessProbe"]["httpGet"]["path"].as<std::string>(), "/healthz");
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/readyz");
  EXPECT_EQ(c["startupProbe"]["httpGet"]["path"].as<std::string>(), "/healthz");
  for (const auto* r : {"requests", "limits"}) {
    EXPECT_TRUE(c["resources"][r]["cpu"]) << r;
    EXPECT_TRUE(c["resources"][r]["memory"]) << r;
  }
}

TEST_F(KubernetesManifests, PodAndContainerAreLockedDown) {
  const auto pod_spec = pod()["spec"];
  EXPECT_EQ(pod_spec["serviceAccountName"].as<std::string>(), "regscand");
  EXPECT_FALSE(pod_spec["automountServiceAccountToken"].as<bool>());
  EXPECT_FALSE(kind("ServiceAccount")["automountServiceAccountToken"].as<bool>());
  EXPECT_TRUE(pod_spec["securityContext"]["runAsNonRoot"].as<bool>());
  EXPECT_EQ(pod_spec["securityContext"]["seccompProfile"]["type"].as<std::string>(), "RuntimeDefault");

  const auto sc = container()["securityContext"];
  EXPECT_TRUE(sc["runAsNonRoot"].as<bool>());
  EXPECT_EQ(sc["runAsUser"].as<int>(), 10001);
  EXPECT_TRUE(sc["readOnlyRootFilesystem"].as<bool>());
  EXPECT_FALSE(sc["allowPrivilegeEscalation"].as<bool>());
  EXPECT_EQ(strings(sc["capabilities"]["drop"]), std::vector<std::string>{"ALL"});
  EXPECT_FALSE(sc["capabilities"]["add"]);
  EXPECT_EQ(sc["seccompProfile"]["type"].as<std::string>(), "RuntimeDefault");
  EXPECT_EQ(container()["env"].size(), 1u) << "configuration comes from the ConfigMap, secrets from files";
  for (const auto& e : container()["env"]) EXPECT_FALSE(e["value"].as<std::string>().empty());

  // Writable paths are emptyDirs: /tmp and the data dir.
  std::map<std::string, std::string> mounts;
  for (const auto& m : container()["volumeMounts"]) {
    mounts[m["mountPath"].as<std::string>()] = m["name"].as<std::string>();
  }
  std::map<std::string, YAML::Node> volumes;
  for (const auto& v : pod_spec["volumes"])
    volumes[v["name"].as<std::string>()] = static_cast<const YAML::Node&>(v);
  for (const auto* path : {"/tmp", "/var/lib/regscand"}) {
    ASSERT_TRUE(mounts.contains(path)) << path;
    EXPECT_TRUE(volumes.at(mounts.at(path))["emptyDir"]) << path;
  }
}

TEST_F(KubernetesManifests, SecretsAreProjectedFilesTheConfigReads) {
  std::map<std::string, std::string> mounts;
  for (const auto& m : container()["volumeMounts"]) {
    mounts[m["name"].as<std::string>()] = m["mountPath"].as<std::string>();
  }
  std::set<std::string> secret_files;
  for (const auto& v : pod()["spec"]["volumes"]) {
    if (!v["projected"]) continue;
    for (const auto& source : v["projected"]["sources"]) {
      ASSERT_TRUE(source["secret"]) << "only Secret references";
      EXPECT_FALSE(source["secret"]["optional"].as<bool>(false));
      for (const auto& item : source["secret"]["items"]) {
        secret_files.insert(mounts.at(v["name"].as<std::string>()) + "/" + item["path"].as<std::string>());
      }
    }
  }
  EXPECT_EQ(secret_files.size(), 3u);

  const auto config = YAML::Load(kind("ConfigMap")["data"]["regscand.yaml"].as<std::string>());
  EXPECT_EQ(config["server"]["listen"].as<std::string>(), "0.0.0.0:8080");
  EXPECT_EQ(config["data_dir"].as<std::string>(), "/var/lib/regscand");
  std::set<std::string> read_files{config["database"]["url_file"].as<std::string>()};
  EXPECT_FALSE(config["database"]["url"]);
  for (const auto& token : config["auth"]["tokens"]) {
    EXPECT_FALSE(token["token"]);
    read_files.insert(token["token_file"].as<std::string>());
  }
  for (const auto& registry : config["registries"]) {
    EXPECT_FALSE(registry["webhook_tokens"]);
    read_files.insert(registry["webhook_token_file"].as<std::string>());
  }
  EXPECT_EQ(read_files, secret_files);
  // The config file is where REGSCAND_CONFIG points.
  EXPECT_EQ(container()["env"][0]["name"].as<std::string>(), "REGSCAND_CONFIG");
  const fs::path config_path = container()["env"][0]["value"].as<std::string>();
  bool mounted = false;
  for (const auto& m : container()["volumeMounts"]) {
    mounted |= m["name"].as<std::string>() == "config" &&
               m["mountPath"].as<std::string>() == config_path.parent_path();
  }
  EXPECT_TRUE(mounted);

  // Graceful termination: the grace period covers the readiness drain and the daemon's shutdown timeout.
  const int grace = pod()["spec"]["terminationGracePeriodSeconds"].as<int>();
  EXPECT_GT(grace, seconds(config["server"]["drain_delay"].as<std::string>()) +
                       seconds(config["server"]["shutdown_timeout"].as<std::string>()));
  EXPECT_FALSE(container()["lifecycle"]) << "the daemon drains itself; the image has no shell for a hook";
}

TEST_F(KubernetesManifests, ServiceBudgetAndNetworkPolicySelectThePods) {
  const auto service = kind("Service")["spec"];
  EXPECT_EQ(service["selector"]["app.kubernetes.io/name"].as<std::string>(), kSelector);
  EXPECT_EQ(service["ports"][0]["port"].as<int>(), 8080);
  EXPECT_EQ(service["ports"][0]["targetPort"].as<std::string>(),
            container()["ports"][0]["name"].as<std::string>());

  const auto pdb = kind("PodDisruptionBudget")["spec"];
  EXPECT_EQ(pdb["minAvailable"].as<int>(), 1);
  EXPECT_EQ(pdb["selector"]["matchLabels"]["app.kubernetes.io/name"].as<std::string>(), kSelector);

  const auto policy = kind("NetworkPolicy")["spec"];
  EXPECT_EQ(policy["podSelector"]["matchLabels"]["app.kubernetes.io/name"].as<std::string>(), kSelector);
  EXPECT_EQ(strings(policy["policyTypes"]), (std::vector<std::string>{"Ingress", "Egress"}));
  ASSERT_EQ(policy["ingress"].size(), 1u);
  ASSERT_EQ(policy["ingress"][0]["ports"].size(), 1u);
  EXPECT_EQ(policy["ingress"][0]["ports"][0]["port"].as<int>(), 8080);
  std::set<int> egress_ports;
  for (const auto& rule : policy["egress"]) {
    ASSERT_TRUE(rule["ports"]) << "every egress rule is limited to ports";
    for (const auto& port : rule["ports"]) egress_ports.insert(port["port"].as<int>());
  }
  EXPECT_EQ(egress_ports, (std::set<int>{53, 443, 5000, 5432}));
}

}  // namespace
}  // namespace regscand::testing
