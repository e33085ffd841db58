# The runnable jar in a JRE image: build it first with `mvn -DskipTests package -pl app -am`.
FROM eclipse-temurin:17-jre
WORKDIR /opt/soldout
COPY app/target/soldout.jar soldout.jar
EXPOSE 7070 7071
ENTRYPOINT ["java", "-jar", "/opt/soldout/soldout.jar"]
CMD ["app"]
