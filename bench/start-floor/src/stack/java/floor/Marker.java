package floor;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Entity;

/** One entity, so that Hibernate ORM starts its persistence unit as it does in the service (none: it stays off). */
@Entity
public class Marker extends PanacheEntity {
    public String name;
}
