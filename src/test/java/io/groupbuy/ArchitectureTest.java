package io.groupbuy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.groupbuy.order.Order;
import io.groupbuy.platform.ForbiddenDependencyFixture;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of DESIGN.md §2, checked on the compiled production classes (so a fully
 * qualified name written inline counts as much as an import): dependencies point inward, from the
 * edge and the features down to platform and the plain-Java algorithms; features reach each other
 * only in the directions below, through ports the caller owns; nothing depends on the simulator or
 * on {@code Main}; and no two packages depend on each other.
 */
class ArchitectureTest {
  private static JavaClasses production;

  /** Which layer may use which: anything not listed (JDK, Pekko, libraries) is outside the rule. */
  static final ArchRule LAYERS =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("Main")
          .definedBy("io.groupbuy")
          .layer("Simulator")
          .definedBy("io.groupbuy.sim..")
          .layer("Audit")
          .definedBy("io.groupbuy.audit..")
          .layer("OrderView")
          .definedBy("io.groupbuy.orderview..")
          .layer("Order")
          .definedBy("io.groupbuy.order..")
          .layer("Dispatch")
          .definedBy("io.groupbuy.dispatch..")
          .layer("Inventory")
          .definedBy("io.groupbuy.inventory..")
          .layer("Coupon")
          .definedBy("io.groupbuy.coupon..")
          .layer("Session")
          .definedBy("io.groupbuy.session..")
          .layer("Catalog")
          .definedBy("io.groupbuy.catalog..")
          .layer("Http")
          .definedBy("io.groupbuy.http..")
          .layer("Platform")
          .definedBy("io.groupbuy.platform..")
          .layer("Routing")
          .definedBy("io.groupbuy.routing..")
          .layer("Recommend")
          .definedBy("io.groupbuy.recommend..")
          .layer("Forecast")
          .definedBy("io.groupbuy.forecast..")
          .layer("Planning")
          .definedBy("io.groupbuy.planning..")
          .layer("Replenishment")
          .definedBy("io.groupbuy.replenishment..")
          .layer("Purchasing")
          .definedBy("io.groupbuy.purchasing..")
          .layer("Costs")
          .definedBy("io.groupbuy.costs..")
          .whereLayer("Main")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("Simulator")
          .mayOnlyBeAccessedByLayers("Main")
          .whereLayer("Simulator")
          .mayOnlyAccessLayers(
              "Catalog", "Recommend", "Http", "Platform", "Routing", "Forecast", "Planning")
          .whereLayer("Audit")
          .mayOnlyAccessLayers("Order", "Inventory", "Http", "Platform")
          .whereLayer("OrderView")
          .mayOnlyBeAccessedByLayers("Main", "Replenishment", "Purchasing")
          .whereLayer("Purchasing")
          .mayOnlyBeAccessedByLayers("Main")
          .whereLayer("Purchasing")
          .mayOnlyAccessLayers(
              "OrderView", "Inventory", "Catalog", "Planning", "Forecast", "Http", "Platform")
          .whereLayer("Costs")
          .mayOnlyBeAccessedByLayers("Main")
          .whereLayer("Costs")
          .mayOnlyAccessLayers("Catalog", "Forecast", "Http", "Platform")
          .whereLayer("Replenishment")
          .mayOnlyBeAccessedByLayers("Main")
          .whereLayer("Replenishment")
          .mayOnlyAccessLayers(
              "OrderView", "Inventory", "Catalog", "Planning", "Forecast", "Http", "Platform")
          .whereLayer("OrderView")
          .mayOnlyAccessLayers("Order", "Session", "Catalog", "Http", "Platform", "Forecast")
          .whereLayer("Order")
          .mayOnlyAccessLayers("Inventory", "Dispatch", "Coupon", "Catalog", "Http", "Platform")
          .whereLayer("Dispatch")
          .mayOnlyAccessLayers("Catalog", "Http", "Platform", "Routing")
          .whereLayer("Inventory")
          .mayOnlyAccessLayers("Catalog", "Http", "Platform")
          .whereLayer("Coupon")
          .mayOnlyAccessLayers("Session", "Http", "Platform")
          .whereLayer("Session")
          .mayOnlyAccessLayers("Catalog", "Recommend", "Http", "Platform")
          .whereLayer("Catalog")
          .mayOnlyAccessLayers("Http", "Platform")
          .whereLayer("Http")
          .mayOnlyAccessLayers("Platform")
          .whereLayer("Platform")
          .mayNotAccessAnyLayer()
          .whereLayer("Routing")
          .mayNotAccessAnyLayer()
          .whereLayer("Recommend")
          .mayNotAccessAnyLayer()
          .whereLayer("Forecast")
          .mayNotAccessAnyLayer()
          .whereLayer("Planning")
          .mayOnlyAccessLayers("Forecast")
          .because(
              "dependencies point inward (DESIGN.md §2): a feature calls another only through a port it owns");

  /** Algorithms are plain Java: testable and benchmarkable without an actor system. */
  static final ArchRule ALGORITHMS_WITHOUT_PEKKO =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.groupbuy.routing..", "io.groupbuy.forecast..", "io.groupbuy.planning..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.apache.pekko..")
          .because("algorithms are plain classes with no actor code (DESIGN.md §2)");

  /**
   * Routes are declared as endpoints only, so the node's list of what it serves ({@code
   * /ops/routes}) is complete.
   */
  static final ArchRule ROUTES_ARE_ENDPOINTS =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName("io.groupbuy.http.ApiDirectives")
          .should()
          .callMethodWhere(
              new DescribedPredicate<JavaMethodCall>("a Pekko HTTP path or method directive") {
                @Override
                public boolean test(JavaMethodCall call) {
                  return ROUTING_DIRECTIVES.contains(call.getName())
                      && call.getTargetOwner()
                          .isAssignableTo("org.apache.pekko.http.javadsl.server.AllDirectives");
                }
              })
          .because(
              "every route is declared with ApiDirectives.endpoint, which /ops/routes lists and ApiIT holds against "
                  + "openapi.yaml");

  private static final Set<String> ROUTING_DIRECTIVES =
      Set.of(
          "path",
          "pathPrefix",
          "pathEnd",
          "pathEndOrSingleSlash",
          "pathSingleSlash",
          "pathSuffix",
          "pathPrefixTest",
          "pathSuffixTest",
          "rawPathPrefix",
          "rawPathPrefixTest",
          "redirectToTrailingSlashIfMissing",
          "redirectToNoTrailingSlashIfPresent",
          "get",
          "post",
          "put",
          "delete",
          "patch",
          "head",
          "options",
          "method");

  static final ArchRule NO_PACKAGE_CYCLES =
      slices().matching("io.groupbuy.(*)..").should().beFreeOfCycles();

  @BeforeAll
  static void importProduction() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.groupbuy");
  }

  @Test
  void dependenciesPointInward() {
    LAYERS.check(production);
  }

  @Test
  void algorithmsDoNotUsePekko() {
    ALGORITHMS_WITHOUT_PEKKO.check(production);
  }

  @Test
  void routesAreDeclaredAsEndpoints() {
    ROUTES_ARE_ENDPOINTS.check(production);
  }

  @Test
  void noPackageCycles() {
    NO_PACKAGE_CYCLES.check(production);
  }

  @Test
  void theRulesSeeAForbiddenDependency() {
    // A class in platform that uses an order type: the layer rule must name it, else the checks
    // above prove nothing.
    JavaClasses withViolation =
        new ClassFileImporter().importClasses(ForbiddenDependencyFixture.class, Order.class);
    EvaluationResult result = LAYERS.evaluate(withViolation);
    assertTrue(result.hasViolation(), "the layer rule missed platform -> order");
    assertTrue(
        result.getFailureReport().toString().contains("ForbiddenDependencyFixture"),
        result.getFailureReport().toString());
    // and a route written with Pekko's path directives instead of an endpoint
    EvaluationResult routes =
        ROUTES_ARE_ENDPOINTS.evaluate(
            new ClassFileImporter().importClasses(ForbiddenDependencyFixture.Routes.class));
    assertTrue(routes.hasViolation(), "the endpoint rule missed a path directive");
  }
}
