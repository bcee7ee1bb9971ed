package io.groupbuy.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every manifest in cluster-config/kubernetes is valid Kubernetes, and the validator catches what
 * it should.
 */
class KubernetesManifestsTest {
  private static final Path DIR = Path.of("cluster-config", "kubernetes");

  @Test
  void everyManifestIsValid() throws IOException {
    List<Path> manifests;
    try (Stream<Path> files = Files.list(DIR)) {
      manifests = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(manifests.size() >= 7, "manifests found: " + manifests);
    for (Path manifest : manifests) {
      List<String> errors = ManifestValidator.validate(Files.readString(manifest));
      assertEquals(List.of(), errors, manifest.toString());
    }
  }

  @Test
  void theDeploymentFormsOneClusterSafely() throws IOException {
    String deployment = Files.readString(DIR.resolve("deployment.yaml"));
    assertTrue(
        deployment.contains("GROUPBUY_CONFIG_RESOURCE"),
        "the config is chosen through the environment");
    assertFalse(deployment.contains("args:"), "Main takes no program arguments");
    assertTrue(deployment.contains("REQUIRED_CONTACT_POINT_NR"), "bootstrap waits for its peers");
    assertTrue(deployment.contains("prometheus.io/scrape"), "metrics are scraped");
  }

  @Test
  void theValidatorRejectsBrokenManifests() throws IOException {
    String valid = Files.readString(DIR.resolve("pdb.yaml"));
    assertEquals(List.of(), ManifestValidator.validate(valid));
    String deployment = Files.readString(DIR.resolve("deployment.yaml"));
    assertFalse(
        ManifestValidator.validate(deployment.replace("replicas: 3", "replica: 3")).isEmpty(),
        "unknown field");
    assertFalse(
        ManifestValidator.validate(deployment.replace("replicas: 3", "replicas: \"three\""))
            .isEmpty(),
        "wrong type");
    assertFalse(
        ManifestValidator.validate(deployment.replace("- name: groupbuy\n", "- \n")).isEmpty(),
        "container without its required name");
    assertFalse(
        ManifestValidator.validate(valid.replace("policy/v1", "policy/v1beta2")).isEmpty(),
        "unknown API version");
  }
}
