package io.groupbuy.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.catalog.CatalogData.PickupPoint;
import io.groupbuy.catalog.CatalogData.Sku;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogImportTest {
  private static final Path DATA =
      Path.of(System.getProperty("groupbuy.data.dir", "../shared/data"));

  @Test
  void costIsTheLatestWholesalePrice(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("items.csv"),
        """
        item_code,item_name,category_code,category_name
        1,菠菜,10,花叶类
        2,香菇,11,食用菌
        """);
    Files.writeString(
        dir.resolve("wholesale_prices_train.csv"),
        """
        date,item_code,wholesale_price_cny_per_kg
        2023-03-30,1,4.00
        2023-03-31,1,5.50
        2023-03-29,1,9.99
        """);
    List<Sku> skus = CatalogImport.skus(dir);
    assertEquals(List.of(new Sku("1", "菠菜", "花叶类", 5.50), new Sku("2", "香菇", "食用菌", 0.0)), skus);
  }

  @Test
  void pickupPointsAreOnePerCityAndAoiAtTheMeanCoordinate(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("pickup_tasks_train.csv"),
        """
        order_id,region_id,city,courier_id,lng,lat,aoi_id
        1,3,Chongqing,7,106.0,29.0,337
        2,3,Chongqing,7,106.2,29.2,337
        3,4,Yantai,8,121.4,37.5,12
        4,4,Yantai,8,,37.5,13
        """);
    List<PickupPoint> points = CatalogImport.pickupPoints(dir);
    assertEquals(2, points.size()); // the row without a longitude is skipped
    PickupPoint cq = points.get(0);
    assertEquals("pp-chongqing-337", cq.id());
    assertEquals("wh-chongqing", cq.warehouseId());
    assertEquals(29.1, cq.lat(), 1e-9);
    assertEquals(106.1, cq.lng(), 1e-9);
  }

  @Test
  void readsTheSharedDataSets() {
    List<Sku> skus = CatalogImport.skus(DATA.resolve("cumcm2023c_vegetables"));
    assertEquals(251, skus.size());
    assertTrue(skus.stream().allMatch(s -> s.cost() >= 0));
    List<PickupPoint> points = CatalogImport.pickupPoints(DATA.resolve("lade_pickup_5cities"));
    assertEquals(5, points.stream().map(PickupPoint::warehouseId).distinct().count());
    assertTrue(
        points.stream()
            .allMatch(p -> p.lat() > 20 && p.lat() < 50 && p.lng() > 100 && p.lng() < 130));
  }
}
