-- lamindb-rs: the rest of LaminDB 2.12.1's schema, PostgreSQL.
-- Every object that Python LaminDB 2.12.1's init creates on PostgreSQL (Django 5.2 + django-pgtrigger,
-- `pg_dump --schema-only --no-owner` of a fresh instance) and that steps 1-3 did not: the other
-- lamindb_* tables with their sequences, constraints, indexes and foreign keys, the functions and
-- triggers that keep type hierarchies free of cycles, and Django's migration journal
-- (`django_migrations`) with the rows that init writes for the `lamindb` app, so that Python
-- LaminDB treats this database as one it made itself. Statements in pg_dump's order, with
-- schema-qualified names; the bionty/pertdb module tables are not part of it.

-- Name: _pgtrigger_should_ignore(name); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public._pgtrigger_should_ignore(trigger_name name) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
                DECLARE
                    _pgtrigger_ignore TEXT[];
                    _result BOOLEAN;
                BEGIN
                    BEGIN
                        SELECT INTO _pgtrigger_ignore
                            CURRENT_SETTING('pgtrigger.ignore');
                        EXCEPTION WHEN OTHERS THEN
                    END;
                    IF _pgtrigger_ignore IS NOT NULL THEN
                        SELECT trigger_name = ANY(_pgtrigger_ignore)
                        INTO _result;
                        RETURN _result;
                    ELSE
                        RETURN FALSE;
                    END IF;
                END;
            $$;

-- Name: is_valid_feature_type(integer); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public.is_valid_feature_type(feature_type_id integer) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
BEGIN
    -- Feature with no type is valid
    IF feature_type_id IS NULL THEN
        RETURN TRUE;
    END IF;

    -- Type must have is_type = TRUE
    RETURN EXISTS (
        SELECT 1 FROM lamindb_feature f
        WHERE f.id = feature_type_id AND f.is_type
    );
END;
$$;

-- Name: is_valid_project_type(integer); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public.is_valid_project_type(project_type_id integer) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF project_type_id IS NULL THEN
        RETURN TRUE;
    END IF;

    RETURN EXISTS (
        SELECT 1 FROM lamindb_project p
        WHERE p.id = project_type_id AND p.is_type
    );
END;
$$;

-- Name: is_valid_record_type(integer, boolean); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public.is_valid_record_type(record_type_id integer, record_is_type boolean) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
BEGIN
    -- Record with no type is valid
    IF record_type_id IS NULL THEN
        RETURN TRUE;
    END IF;

    -- If current record is a type, it can only reference schema-less types
    IF record_is_type THEN
        RETURN EXISTS (
            SELECT 1 FROM lamindb_record r
            WHERE r.id = record_type_id AND r.is_type AND r.schema_id IS NULL
        );
    END IF;

    -- Regular records can reference any type
    RETURN EXISTS (
        SELECT 1 FROM lamindb_record r
        WHERE r.id = record_type_id AND r.is_type
    );
END;
$$;

-- Name: is_valid_reference_type(integer); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public.is_valid_reference_type(reference_type_id integer) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF reference_type_id IS NULL THEN
        RETURN TRUE;
    END IF;

    RETURN EXISTS (
        SELECT 1 FROM lamindb_reference r
        WHERE r.id = reference_type_id AND r.is_type
    );
END;
$$;

-- Name: is_valid_schema_type(integer); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public.is_valid_schema_type(schema_type_id integer) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF schema_type_id IS NULL THEN
        RETURN TRUE;
    END IF;

    RETURN EXISTS (
        SELECT 1 FROM lamindb_schema s
        WHERE s.id = schema_type_id AND s.is_type
    );
END;
$$;

-- Name: is_valid_ulabel_type(integer); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public.is_valid_ulabel_type(ulabel_type_id integer) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF ulabel_type_id IS NULL THEN
        RETURN TRUE;
    END IF;

    RETURN EXISTS (
        SELECT 1 FROM lamindb_ulabel u
        WHERE u.id = ulabel_type_id AND u.is_type
    );
END;
$$;

-- Name: pgtrigger_prevent_feature_type_cycle_04c90(); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public.pgtrigger_prevent_feature_type_cycle_04c90() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
                
                BEGIN
                    IF ("public"._pgtrigger_should_ignore(TG_NAME) IS TRUE) THEN
                        IF (TG_OP = 'DELETE') THEN
                            RETURN OLD;
                        ELSE
                            RETURN NEW;
                        END IF;
                    END IF;
                    
                        IF EXISTS (
                            SELECT 1
                            FROM lamindb_feature f
                            WHERE f.id = NEW.type_id
                              AND (
                                (
                                  f._aux->>'ss' = '1'
                                  AND f.space_id IS DISTINCT FROM NEW.space_id
                                )
                                OR (
                                  f._aux ? 'ss'
                                  AND f._aux->>'ss' <> '1'
                                  AND (
                                      SELECT sp.uid
                                      FROM lamindb_space sp
                                      WHERE sp.id = NEW.space_id
                                  ) IS DISTINCT FROM f._aux->>'ss'
                                )
                              )
                        ) THEN
                            RAISE EXCEPTION 'Cannot set type: feature space must match single-space type space';
                        END IF;

                        -- Check for direct self-reference
                        IF NEW.type_id = NEW.id THEN
                            RAISE EXCEPTION 'Cannot set type: feature cannot be its own type';
                        END IF;

                        -- Check for cycles in the type chain
                        IF EXISTS (
                            WITH RECURSIVE type_chain AS (
                                SELECT type_id, 1 as depth
                                FROM lamindb_feature
                                WHERE id = NEW.type_id

                                UNION ALL

                                SELECT f.type_id, tc.depth + 1
                                FROM lamindb_feature f
                                INNER JOIN type_chain tc ON f.id = tc.type_id
                                WHERE tc.depth < 100
                            )
                            SELECT 1 FROM type_chain WHERE type_id = NEW.id
                        ) THEN
                            RAISE EXCEPTION 'Cannot set type: would create a cycle';
                        END IF;

                        RETURN NEW;
                    
                END;
            $$;

-- Name: pgtrigger_prevent_project_type_cycle_e2567(); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public.pgtrigger_prevent_project_type_cycle_e2567() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
                
                BEGIN
                    IF ("public"._pgtrigger_should_ignore(TG_NAME) IS TRUE) THEN
                        IF (TG_OP = 'DELETE') THEN
                            RETURN OLD;
                        ELSE
                            RETURN NEW;
                        END IF;
                    END IF;
                    
                        IF EXISTS (
                            SELECT 1
                            FROM lamindb_project p
                            WHERE p.id = NEW.type_id
                              AND (
                                (
                                  p._aux->>'ss' = '1'
                                  AND p.space_id IS DISTINCT FROM NEW.space_id
                                )
                                OR (
                                  p._aux ? 'ss'
                                  AND p._aux->>'ss' <> '1'
                                  AND (
                                      SELECT sp.uid
                                      FROM lamindb_space sp
                                      WHERE sp.id = NEW.space_id
                                  ) IS DISTINCT FROM p._aux->>'ss'
                                )
                              )
                        ) THEN
                            RAISE EXCEPTION 'Cannot set type: project space must match single-space type space';
                        END IF;

                        -- Check for direct self-reference
                        IF NEW.type_id = NEW.id THEN
                            RAISE EXCEPTION 'Cannot set type: project cannot be its own type';
                        END IF;

                        -- Check for cycles in the type chain
                        IF EXISTS (
                            WITH RECURSIVE type_chain AS (
                                SELECT type_id, 1 as depth
                                FROM lamindb_project
                                WHERE id = NEW.type_id

                                UNION ALL

                                SELECT p.type_id, tc.depth + 1
                                FROM lamindb_project p
                                INNER JOIN type_chain tc ON p.id = tc.type_id
                                WHERE tc.depth < 100
                            )
                            SELECT 1 FROM type_chain WHERE type_id = NEW.id
                        ) THEN
                            RAISE EXCEPTION 'Cannot set type: would create a cycle';
                        END IF;

                        RETURN NEW;
                    
                END;
            $$;

-- Name: pgtrigger_prevent_record_type_cycle_56c18(); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public.pgtrigger_prevent_record_type_cycle_56c18() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
                
                BEGIN
                    IF ("public"._pgtrigger_should_ignore(TG_NAME) IS TRUE) THEN
                        IF (TG_OP = 'DELETE') THEN
                            RETURN OLD;
                        ELSE
                            RETURN NEW;
                        END IF;
                    END IF;
                    
                        -- Enforce that records typed by a single-space type stay in the same space
                        IF EXISTS (
                            SELECT 1
                            FROM lamindb_record r
                            WHERE r.id = NEW.type_id
                              AND (
                                (
                                  r._aux->>'ss' = '1'
                                  AND r.space_id IS DISTINCT FROM NEW.space_id
                                )
                                OR (
                                  r._aux ? 'ss'
                                  AND r._aux->>'ss' <> '1'
                                  AND (
                                      SELECT sp.uid
                                      FROM lamindb_space sp
                                      WHERE sp.id = NEW.space_id
                                  ) IS DISTINCT FROM r._aux->>'ss'
                                )
                              )
                        ) THEN
                            RAISE EXCEPTION 'Cannot set type: record space must match locked type space';
                        END IF;

                        -- Check for direct self-reference
                        IF NEW.type_id = NEW.id THEN
                            RAISE EXCEPTION 'Cannot set type: record cannot be its own type';
                        END IF;

                        -- Check for cycles in the type chain
                        IF EXISTS (
                            WITH RECURSIVE type_chain AS (
                                SELECT type_id, 1 as depth
                                FROM lamindb_record
                                WHERE id = NEW.type_id

                                UNION ALL

                                SELECT r.type_id, tc.depth + 1
                                FROM lamindb_record r
                                INNER JOIN type_chain tc ON r.id = tc.type_id
                                WHERE tc.depth < 100
                            )
                            SELECT 1 FROM type_chain WHERE type_id = NEW.id
                        ) THEN
                            RAISE EXCEPTION 'Cannot set type: would create a cycle';
                        END IF;

                        RETURN NEW;
                    
                END;
            $$;

-- Name: pgtrigger_prevent_reference_type_cycle_3d37c(); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public.pgtrigger_prevent_reference_type_cycle_3d37c() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
                
                BEGIN
                    IF ("public"._pgtrigger_should_ignore(TG_NAME) IS TRUE) THEN
                        IF (TG_OP = 'DELETE') THEN
                            RETURN OLD;
                        ELSE
                            RETURN NEW;
                        END IF;
                    END IF;
                    
                        IF EXISTS (
                            SELECT 1
                            FROM lamindb_reference r
                            WHERE r.id = NEW.type_id
                              AND (
                                (
                                  r._aux->>'ss' = '1'
                                  AND r.space_id IS DISTINCT FROM NEW.space_id
                                )
                                OR (
                                  r._aux ? 'ss'
                                  AND r._aux->>'ss' <> '1'
                                  AND (
                                      SELECT sp.uid
                                      FROM lamindb_space sp
                                      WHERE sp.id = NEW.space_id
                                  ) IS DISTINCT FROM r._aux->>'ss'
                                )
                              )
                        ) THEN
                            RAISE EXCEPTION 'Cannot set type: reference space must match single-space type space';
                        END IF;

                        -- Check for direct self-reference
                        IF NEW.type_id = NEW.id THEN
                            RAISE EXCEPTION 'Cannot set type: reference cannot be its own type';
                        END IF;

                        -- Check for cycles in the type chain
                        IF EXISTS (
                            WITH RECURSIVE type_chain AS (
                                SELECT type_id, 1 as depth
                                FROM lamindb_reference
                                WHERE id = NEW.type_id

                                UNION ALL

                                SELECT r.type_id, tc.depth + 1
                                FROM lamindb_reference r
                                INNER JOIN type_chain tc ON r.id = tc.type_id
                                WHERE tc.depth < 100
                            )
                            SELECT 1 FROM type_chain WHERE type_id = NEW.id
                        ) THEN
                            RAISE EXCEPTION 'Cannot set type: would create a cycle';
                        END IF;

                        RETURN NEW;
                    
                END;
            $$;

-- Name: pgtrigger_prevent_schema_type_cycle_b403c(); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public.pgtrigger_prevent_schema_type_cycle_b403c() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
                
                BEGIN
                    IF ("public"._pgtrigger_should_ignore(TG_NAME) IS TRUE) THEN
                        IF (TG_OP = 'DELETE') THEN
                            RETURN OLD;
                        ELSE
                            RETURN NEW;
                        END IF;
                    END IF;
                    
                        IF EXISTS (
                            SELECT 1
                            FROM lamindb_schema s
                            WHERE s.id = NEW.type_id
                              AND (
                                (
                                  s._aux->>'ss' = '1'
                                  AND s.space_id IS DISTINCT FROM NEW.space_id
                                )
                                OR (
                                  s._aux ? 'ss'
                                  AND s._aux->>'ss' <> '1'
                                  AND (
                                      SELECT sp.uid
                                      FROM lamindb_space sp
                                      WHERE sp.id = NEW.space_id
                                  ) IS DISTINCT FROM s._aux->>'ss'
                                )
                              )
                        ) THEN
                            RAISE EXCEPTION 'Cannot set type: schema space must match single-space type space';
                        END IF;

                        -- Check for direct self-reference
                        IF NEW.type_id = NEW.id THEN
                            RAISE EXCEPTION 'Cannot set type: schema cannot be its own type';
                        END IF;

                        -- Check for cycles in the type chain
                        IF EXISTS (
                            WITH RECURSIVE type_chain AS (
                                SELECT type_id, 1 as depth
                                FROM lamindb_schema
                                WHERE id = NEW.type_id

                                UNION ALL

                                SELECT s.type_id, tc.depth + 1
                                FROM lamindb_schema s
                                INNER JOIN type_chain tc ON s.id = tc.type_id
                                WHERE tc.depth < 100
                            )
                            SELECT 1 FROM type_chain WHERE type_id = NEW.id
                        ) THEN
                            RAISE EXCEPTION 'Cannot set type: would create a cycle';
                        END IF;

                        RETURN NEW;
                    
                END;
            $$;

-- Name: pgtrigger_prevent_ulabel_type_cycle_863ae(); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public.pgtrigger_prevent_ulabel_type_cycle_863ae() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
                
                BEGIN
                    IF ("public"._pgtrigger_should_ignore(TG_NAME) IS TRUE) THEN
                        IF (TG_OP = 'DELETE') THEN
                            RETURN OLD;
                        ELSE
                            RETURN NEW;
                        END IF;
                    END IF;
                    
                        -- Enforce that ulabels typed by a single-space type stay in the same space
                        IF EXISTS (
                            SELECT 1
                            FROM lamindb_ulabel u
                            WHERE u.id = NEW.type_id
                              AND (
                                (
                                  u._aux->>'ss' = '1'
                                  AND u.space_id IS DISTINCT FROM NEW.space_id
                                )
                                OR (
                                  u._aux ? 'ss'
                                  AND u._aux->>'ss' <> '1'
                                  AND (
                                      SELECT sp.uid
                                      FROM lamindb_space sp
                                      WHERE sp.id = NEW.space_id
                                  ) IS DISTINCT FROM u._aux->>'ss'
                                )
                              )
                        ) THEN
                            RAISE EXCEPTION 'Cannot set type: ulabel space must match single-space type space';
                        END IF;

                        -- Check for direct self-reference
                        IF NEW.type_id = NEW.id THEN
                            RAISE EXCEPTION 'Cannot set type: ulabel cannot be its own type';
                        END IF;

                        -- Check for cycles in the type chain
                        IF EXISTS (
                            WITH RECURSIVE type_chain AS (
                                SELECT type_id, 1 as depth
                                FROM lamindb_ulabel
                                WHERE id = NEW.type_id

                                UNION ALL

                                SELECT r.type_id, tc.depth + 1
                                FROM lamindb_ulabel r
                                INNER JOIN type_chain tc ON r.id = tc.type_id
                                WHERE tc.depth < 100
                            )
                            SELECT 1 FROM type_chain WHERE type_id = NEW.id
                        ) THEN
                            RAISE EXCEPTION 'Cannot set type: would create a cycle';
                        END IF;

                        RETURN NEW;
                    
                END;
            $$;

-- Name: pgtrigger_update_feature_on_name_change_6c32d(); Type: FUNCTION; Schema: public; Owner: -
CREATE FUNCTION public.pgtrigger_update_feature_on_name_change_6c32d() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
                
                BEGIN
                    IF ("public"._pgtrigger_should_ignore(TG_NAME) IS TRUE) THEN
                        IF (TG_OP = 'DELETE') THEN
                            RETURN OLD;
                        ELSE
                            RETURN NEW;
                        END IF;
                    END IF;
                    DECLARE
    old_renamed JSONB;
    new_renamed JSONB;
    ts TEXT;
BEGIN
    -- Only proceed if name actually changed
    IF OLD.name IS DISTINCT FROM NEW.name THEN
        -- Update synonyms
        IF NEW.synonyms IS NULL OR NEW.synonyms = '' THEN
            NEW.synonyms := OLD.name;
        ELSIF position(OLD.name in NEW.synonyms) = 0 THEN
            NEW.synonyms := NEW.synonyms || '|' || OLD.name;
        END IF;

        -- Update _aux with rename history
        ts := TO_CHAR(NOW() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

        -- Get existing renamed history or initialize empty object
        old_renamed := COALESCE((OLD._aux->>'renamed')::JSONB, '{}'::JSONB);

        -- Add old name with timestamp
        new_renamed := old_renamed || jsonb_build_object(ts, OLD.name);

        -- Update _aux with new renamed history
        IF NEW._aux IS NULL THEN
            NEW._aux := jsonb_build_object('renamed', new_renamed);
        ELSE
            NEW._aux := NEW._aux || jsonb_build_object('renamed', new_renamed);
        END IF;
    END IF;

    RETURN NEW;
END;

                END;
            $$;


SET default_tablespace = '';

SET default_table_access_method = heap;

-- Name: django_migrations; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.django_migrations (
    id bigint NOT NULL,
    app character varying(255) NOT NULL,
    name character varying(255) NOT NULL,
    applied timestamp with time zone NOT NULL
);

-- Name: django_migrations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.django_migrations ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.django_migrations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_artifact__actions; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_artifact__actions (
    id bigint NOT NULL,
    from_artifact_id integer NOT NULL,
    to_artifact_id integer NOT NULL
);

-- Name: lamindb_artifact__actions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_artifact__actions ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_artifact__actions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_artifact_input_of_runs; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_artifact_input_of_runs (
    id bigint NOT NULL,
    artifact_id integer NOT NULL,
    run_id bigint NOT NULL
);

-- Name: lamindb_artifact_input_of_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_artifact_input_of_runs ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_artifact_input_of_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_artifact_recreating_runs; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_artifact_recreating_runs (
    id bigint NOT NULL,
    artifact_id integer NOT NULL,
    run_id bigint NOT NULL
);

-- Name: lamindb_artifact_recreating_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_artifact_recreating_runs ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_artifact_recreating_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_artifactartifact; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_artifactartifact (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    artifact_id integer NOT NULL,
    value_id integer NOT NULL,
    feature_id integer,
    run_id bigint,
    created_by_id integer NOT NULL
);

-- Name: lamindb_artifactartifact_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_artifactartifact ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_artifactartifact_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_artifactblock; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_artifactblock (
    version_tag character varying(30),
    is_latest boolean NOT NULL,
    id bigint NOT NULL,
    uid character varying(20) NOT NULL,
    content text NOT NULL,
    hash character varying(22),
    kind character varying(22) DEFAULT 'readme'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    _status_code smallint DEFAULT 0 NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    artifact_id integer NOT NULL,
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_artifactblock_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_artifactblock ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_artifactblock_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_artifactproject; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_artifactproject (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    artifact_id integer NOT NULL,
    feature_id integer,
    project_id integer NOT NULL,
    run_id bigint,
    created_by_id integer NOT NULL
);

-- Name: lamindb_artifactproject_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_artifactproject ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_artifactproject_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_artifactrecord; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_artifactrecord (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    artifact_id integer NOT NULL,
    feature_id integer,
    record_id integer NOT NULL,
    run_id bigint,
    created_by_id integer NOT NULL
);

-- Name: lamindb_artifactrecord_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_artifactrecord ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_artifactrecord_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_artifactreference; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_artifactreference (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    artifact_id integer NOT NULL,
    feature_id integer,
    reference_id integer NOT NULL,
    run_id bigint,
    created_by_id integer NOT NULL
);

-- Name: lamindb_artifactreference_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_artifactreference ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_artifactreference_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_artifactrun; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_artifactrun (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    artifact_id integer NOT NULL,
    feature_id integer,
    run_id bigint NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_artifactrun_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_artifactrun ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_artifactrun_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_artifactschema; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_artifactschema (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    slot character varying(255),
    feature_ref_is_semantic boolean,
    artifact_id integer NOT NULL,
    run_id bigint,
    schema_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_artifactschema_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_artifactschema ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_artifactschema_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_artifactuser; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_artifactuser (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    artifact_id integer NOT NULL,
    feature_id integer,
    run_id bigint,
    created_by_id integer NOT NULL,
    user_id integer NOT NULL
);

-- Name: lamindb_artifactuser_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_artifactuser ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_artifactuser_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_block; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_block (
    version_tag character varying(30),
    is_latest boolean NOT NULL,
    is_locked boolean DEFAULT false NOT NULL,
    id bigint NOT NULL,
    uid character varying(20) NOT NULL,
    content text NOT NULL,
    hash character varying(22),
    kind character varying(22) DEFAULT 'readme'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    _status_code smallint DEFAULT 0 NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    key character varying(1024),
    anchor_id bigint,
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    space_id smallint DEFAULT 1 NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_block_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_block ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_block_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_blockproject; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_blockproject (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    block_id bigint NOT NULL,
    project_id integer NOT NULL,
    run_id bigint,
    created_by_id integer NOT NULL
);

-- Name: lamindb_blockproject_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_blockproject ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_blockproject_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_branchblock; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_branchblock (
    version_tag character varying(30),
    is_latest boolean NOT NULL,
    id bigint NOT NULL,
    uid character varying(20) NOT NULL,
    content text NOT NULL,
    hash character varying(22),
    kind character varying(22) DEFAULT 'readme'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    _status_code smallint DEFAULT 0 NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    branch_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_branchblock_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_branchblock ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_branchblock_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_branchproject; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_branchproject (
    id bigint NOT NULL,
    branch_id integer NOT NULL,
    project_id integer NOT NULL
);

-- Name: lamindb_branchproject_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_branchproject ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_branchproject_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_branchulabel; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_branchulabel (
    id bigint NOT NULL,
    branch_id integer NOT NULL,
    ulabel_id integer NOT NULL
);

-- Name: lamindb_branchulabel_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_branchulabel ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_branchulabel_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_branchuser; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_branchuser (
    id bigint NOT NULL,
    role character varying(32) NOT NULL,
    branch_id integer NOT NULL,
    user_id integer NOT NULL
);

-- Name: lamindb_branchuser_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_branchuser ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_branchuser_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_collection; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_collection (
    version_tag character varying(30),
    is_latest boolean NOT NULL,
    is_locked boolean DEFAULT false NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    updated_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id integer NOT NULL,
    uid character varying(20) NOT NULL,
    key character varying(255) NOT NULL,
    description text,
    hash character varying(22),
    reference character varying(255),
    reference_type character varying(25),
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    meta_artifact_id integer,
    run_id bigint,
    schema_id integer,
    space_id smallint DEFAULT 1 NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_collection__actions; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_collection__actions (
    id bigint NOT NULL,
    collection_id integer NOT NULL,
    artifact_id integer NOT NULL
);

-- Name: lamindb_collection__actions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_collection__actions ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_collection__actions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_collection_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_collection ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_collection_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_collection_input_of_runs; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_collection_input_of_runs (
    id bigint NOT NULL,
    collection_id integer NOT NULL,
    run_id bigint NOT NULL
);

-- Name: lamindb_collection_input_of_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_collection_input_of_runs ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_collection_input_of_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_collection_recreating_runs; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_collection_recreating_runs (
    id bigint NOT NULL,
    collection_id integer NOT NULL,
    run_id bigint NOT NULL
);

-- Name: lamindb_collection_recreating_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_collection_recreating_runs ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_collection_recreating_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_collectionartifact; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_collectionartifact (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    artifact_id integer NOT NULL,
    collection_id integer NOT NULL,
    run_id bigint,
    created_by_id integer NOT NULL
);

-- Name: lamindb_collectionartifact_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_collectionartifact ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_collectionartifact_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_collectionblock; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_collectionblock (
    version_tag character varying(30),
    is_latest boolean NOT NULL,
    id bigint NOT NULL,
    uid character varying(20) NOT NULL,
    content text NOT NULL,
    hash character varying(22),
    kind character varying(22) DEFAULT 'readme'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    _status_code smallint DEFAULT 0 NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    branch_id integer DEFAULT 1 NOT NULL,
    collection_id integer,
    created_on_id integer DEFAULT 1 NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_collectionblock_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_collectionblock ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_collectionblock_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_collectionproject; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_collectionproject (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    collection_id integer NOT NULL,
    project_id integer NOT NULL,
    run_id bigint,
    created_by_id integer NOT NULL
);

-- Name: lamindb_collectionproject_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_collectionproject ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_collectionproject_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_collectionrecord; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_collectionrecord (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    collection_id integer NOT NULL,
    feature_id integer,
    record_id integer NOT NULL,
    run_id bigint,
    created_by_id integer NOT NULL
);

-- Name: lamindb_collectionrecord_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_collectionrecord ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_collectionrecord_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_collectionreference; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_collectionreference (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    collection_id integer NOT NULL,
    reference_id integer NOT NULL,
    run_id bigint,
    created_by_id integer NOT NULL
);

-- Name: lamindb_collectionreference_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_collectionreference ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_collectionreference_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_collectionulabel; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_collectionulabel (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    collection_id integer NOT NULL,
    feature_id integer,
    run_id bigint,
    ulabel_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_collectionulabel_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_collectionulabel ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_collectionulabel_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_featureblock; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_featureblock (
    version_tag character varying(30),
    is_latest boolean NOT NULL,
    id bigint NOT NULL,
    uid character varying(20) NOT NULL,
    content text NOT NULL,
    hash character varying(22),
    kind character varying(22) DEFAULT 'readme'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    _status_code smallint DEFAULT 0 NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    feature_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_featureblock_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_featureblock ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_featureblock_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_featureproject; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_featureproject (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    feature_id integer NOT NULL,
    project_id integer NOT NULL,
    run_id bigint,
    created_by_id integer NOT NULL
);

-- Name: lamindb_featureproject_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_featureproject ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_featureproject_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_project; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_project (
    is_type boolean DEFAULT false NOT NULL,
    is_locked boolean DEFAULT false NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    updated_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id integer NOT NULL,
    uid character varying(12) NOT NULL,
    name character varying(255) NOT NULL,
    description text,
    abbr character varying(32),
    url character varying(255),
    start_date date,
    end_date date,
    _status_code smallint DEFAULT 0 NOT NULL,
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    type_id integer,
    run_id bigint,
    space_id smallint DEFAULT 1 NOT NULL,
    created_by_id integer NOT NULL,
    CONSTRAINT project_type_is_valid_fk CHECK (public.is_valid_project_type(type_id))
);

-- Name: lamindb_project_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_project ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_project_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_project_parents; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_project_parents (
    id bigint NOT NULL,
    from_project_id integer NOT NULL,
    to_project_id integer NOT NULL
);

-- Name: lamindb_project_parents_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_project_parents ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_project_parents_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_project_predecessors; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_project_predecessors (
    id bigint NOT NULL,
    from_project_id integer NOT NULL,
    to_project_id integer NOT NULL
);

-- Name: lamindb_project_predecessors_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_project_predecessors ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_project_predecessors_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_project_references; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_project_references (
    id bigint NOT NULL,
    project_id integer NOT NULL,
    reference_id integer NOT NULL
);

-- Name: lamindb_project_references_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_project_references ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_project_references_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_projectblock; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_projectblock (
    version_tag character varying(30),
    is_latest boolean NOT NULL,
    id bigint NOT NULL,
    uid character varying(20) NOT NULL,
    content text NOT NULL,
    hash character varying(22),
    kind character varying(22) DEFAULT 'readme'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    _status_code smallint DEFAULT 0 NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    project_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_projectblock_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_projectblock ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_projectblock_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_projectrecord; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_projectrecord (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    feature_id integer,
    project_id integer NOT NULL,
    record_id integer NOT NULL,
    run_id bigint,
    created_by_id integer NOT NULL
);

-- Name: lamindb_projectrecord_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_projectrecord ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_projectrecord_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_projectuser; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_projectuser (
    id bigint NOT NULL,
    role character varying(32) NOT NULL,
    project_id integer NOT NULL,
    user_id integer NOT NULL
);

-- Name: lamindb_projectuser_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_projectuser ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_projectuser_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_record; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_record (
    is_type boolean DEFAULT false NOT NULL,
    is_locked boolean DEFAULT false NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    updated_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id integer NOT NULL,
    uid character varying(16) NOT NULL,
    name character varying(150),
    description text,
    reference character varying(255),
    reference_type character varying(25),
    extra_data jsonb,
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    type_id integer,
    run_id bigint,
    schema_id integer,
    space_id smallint DEFAULT 1 NOT NULL,
    created_by_id integer NOT NULL,
    CONSTRAINT record_type_is_valid_fk CHECK (public.is_valid_record_type(type_id, is_type))
);

-- Name: lamindb_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_record ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_record_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_record_input_of_runs; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_record_input_of_runs (
    id bigint NOT NULL,
    record_id integer NOT NULL,
    run_id bigint NOT NULL
);

-- Name: lamindb_record_input_of_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_record_input_of_runs ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_record_input_of_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_record_parents; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_record_parents (
    id bigint NOT NULL,
    from_record_id integer NOT NULL,
    to_record_id integer NOT NULL
);

-- Name: lamindb_record_parents_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_record_parents ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_record_parents_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_recordartifact; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_recordartifact (
    id bigint NOT NULL,
    feature_id integer NOT NULL,
    record_id integer NOT NULL,
    value_id integer NOT NULL
);

-- Name: lamindb_recordartifact_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_recordartifact ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_recordartifact_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_recordblock; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_recordblock (
    version_tag character varying(30),
    is_latest boolean NOT NULL,
    id bigint NOT NULL,
    uid character varying(20) NOT NULL,
    content text NOT NULL,
    hash character varying(22),
    kind character varying(22) DEFAULT 'readme'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    _status_code smallint DEFAULT 0 NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    record_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_recordblock_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_recordblock ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_recordblock_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_recordcollection; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_recordcollection (
    id bigint NOT NULL,
    feature_id integer NOT NULL,
    record_id integer NOT NULL,
    value_id integer NOT NULL
);

-- Name: lamindb_recordcollection_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_recordcollection ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_recordcollection_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_recordjson; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_recordjson (
    id bigint NOT NULL,
    value jsonb DEFAULT 'null'::jsonb NOT NULL,
    feature_id integer NOT NULL,
    record_id integer NOT NULL
);

-- Name: lamindb_recordjson_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_recordjson ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_recordjson_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_recordproject; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_recordproject (
    id bigint NOT NULL,
    feature_id integer NOT NULL,
    record_id integer NOT NULL,
    value_id integer NOT NULL
);

-- Name: lamindb_recordproject_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_recordproject ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_recordproject_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_recordrecord; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_recordrecord (
    id bigint NOT NULL,
    feature_id integer NOT NULL,
    record_id integer NOT NULL,
    value_id integer NOT NULL
);

-- Name: lamindb_recordrecord_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_recordrecord ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_recordrecord_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_recordreference; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_recordreference (
    id bigint NOT NULL,
    feature_id integer NOT NULL,
    record_id integer NOT NULL,
    value_id integer NOT NULL
);

-- Name: lamindb_recordreference_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_recordreference ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_recordreference_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_recordrun; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_recordrun (
    id bigint NOT NULL,
    feature_id integer NOT NULL,
    record_id integer NOT NULL,
    value_id bigint NOT NULL
);

-- Name: lamindb_recordrun_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_recordrun ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_recordrun_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_recordtransform; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_recordtransform (
    id bigint NOT NULL,
    feature_id integer NOT NULL,
    record_id integer NOT NULL,
    value_id integer NOT NULL
);

-- Name: lamindb_recordtransform_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_recordtransform ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_recordtransform_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_recordulabel; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_recordulabel (
    id bigint NOT NULL,
    feature_id integer NOT NULL,
    record_id integer NOT NULL,
    value_id integer NOT NULL
);

-- Name: lamindb_recordulabel_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_recordulabel ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_recordulabel_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_recorduser; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_recorduser (
    id bigint NOT NULL,
    feature_id integer NOT NULL,
    record_id integer NOT NULL,
    value_id integer NOT NULL
);

-- Name: lamindb_recorduser_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_recorduser ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_recorduser_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_reference; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_reference (
    is_type boolean DEFAULT false NOT NULL,
    is_locked boolean DEFAULT false NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    updated_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id integer NOT NULL,
    uid character varying(12) NOT NULL,
    name character varying(255) NOT NULL,
    description text,
    abbr character varying(32),
    url character varying(200),
    pubmed_id bigint,
    doi character varying(255),
    text text,
    date date,
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    type_id integer,
    run_id bigint,
    space_id smallint DEFAULT 1 NOT NULL,
    created_by_id integer NOT NULL,
    CONSTRAINT reference_type_is_valid_fk CHECK (public.is_valid_reference_type(type_id))
);

-- Name: lamindb_reference_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_reference ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_reference_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_referencerecord; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_referencerecord (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    feature_id integer,
    record_id integer NOT NULL,
    reference_id integer NOT NULL,
    run_id bigint,
    created_by_id integer NOT NULL
);

-- Name: lamindb_referencerecord_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_referencerecord ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_referencerecord_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_runartifact; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_runartifact (
    id bigint NOT NULL,
    artifact_id integer NOT NULL,
    feature_id integer,
    run_id bigint NOT NULL
);

-- Name: lamindb_runartifact_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_runartifact ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_runartifact_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_runblock; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_runblock (
    version_tag character varying(30),
    is_latest boolean NOT NULL,
    id bigint NOT NULL,
    uid character varying(20) NOT NULL,
    content text NOT NULL,
    hash character varying(22),
    kind character varying(22) DEFAULT 'readme'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    _status_code smallint DEFAULT 0 NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    run_id bigint NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_runblock_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_runblock ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_runblock_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_runjsonvalue; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_runjsonvalue (
    id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    jsonvalue_id bigint NOT NULL,
    run_id bigint NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_runjsonvalue_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_runjsonvalue ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_runjsonvalue_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_runproject; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_runproject (
    id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    project_id integer NOT NULL,
    run_id bigint NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_runproject_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_runproject ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_runproject_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_runrecord; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_runrecord (
    id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    feature_id integer,
    record_id integer NOT NULL,
    run_id bigint NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_runrecord_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_runrecord ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_runrecord_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_runulabel; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_runulabel (
    id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    run_id bigint NOT NULL,
    ulabel_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_runulabel_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_runulabel ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_runulabel_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_schemablock; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_schemablock (
    version_tag character varying(30),
    is_latest boolean NOT NULL,
    id bigint NOT NULL,
    uid character varying(20) NOT NULL,
    content text NOT NULL,
    hash character varying(22),
    kind character varying(22) DEFAULT 'readme'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    _status_code smallint DEFAULT 0 NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    schema_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_schemablock_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_schemablock ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_schemablock_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_schemacomponent; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_schemacomponent (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    slot character varying(255),
    component_id integer NOT NULL,
    composite_id integer NOT NULL,
    run_id bigint,
    created_by_id integer NOT NULL
);

-- Name: lamindb_schemacomponent_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_schemacomponent ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_schemacomponent_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_schemafeature; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_schemafeature (
    id bigint NOT NULL,
    feature_id integer NOT NULL,
    schema_id integer NOT NULL
);

-- Name: lamindb_schemafeature_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_schemafeature ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_schemafeature_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_schemaproject; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_schemaproject (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    project_id integer NOT NULL,
    run_id bigint,
    schema_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_schemaproject_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_schemaproject ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_schemaproject_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_spaceblock; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_spaceblock (
    version_tag character varying(30),
    is_latest boolean NOT NULL,
    id bigint NOT NULL,
    uid character varying(20) NOT NULL,
    content text NOT NULL,
    hash character varying(22),
    kind character varying(22) DEFAULT 'readme'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    _status_code smallint DEFAULT 0 NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    space_id smallint NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_spaceblock_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_spaceblock ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_spaceblock_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_transformblock; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_transformblock (
    version_tag character varying(30),
    is_latest boolean NOT NULL,
    id bigint NOT NULL,
    uid character varying(20) NOT NULL,
    content text NOT NULL,
    hash character varying(22),
    kind character varying(22) DEFAULT 'readme'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    _status_code smallint DEFAULT 0 NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    line_number integer,
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    transform_id integer,
    created_by_id integer NOT NULL
);

-- Name: lamindb_transformblock_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_transformblock ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_transformblock_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_transformproject; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_transformproject (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    project_id integer NOT NULL,
    run_id bigint,
    transform_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_transformproject_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_transformproject ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_transformproject_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_transformrecord; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_transformrecord (
    id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    feature_id integer,
    record_id integer NOT NULL,
    run_id bigint,
    transform_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_transformrecord_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_transformrecord ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_transformrecord_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_transformreference; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_transformreference (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    reference_id integer NOT NULL,
    run_id bigint,
    transform_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_transformreference_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_transformreference ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_transformreference_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_transformtransform; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_transformtransform (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    config jsonb,
    predecessor_id integer NOT NULL,
    run_id bigint,
    successor_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_transformtransform_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_transformtransform ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_transformtransform_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_transformulabel; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_transformulabel (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    run_id bigint,
    transform_id integer NOT NULL,
    ulabel_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_transformulabel_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_transformulabel ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_transformulabel_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_ulabelblock; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_ulabelblock (
    version_tag character varying(30),
    is_latest boolean NOT NULL,
    id bigint NOT NULL,
    uid character varying(20) NOT NULL,
    content text NOT NULL,
    hash character varying(22),
    kind character varying(22) DEFAULT 'readme'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    _status_code smallint DEFAULT 0 NOT NULL,
    _aux jsonb DEFAULT 'null'::jsonb,
    branch_id integer DEFAULT 1 NOT NULL,
    created_on_id integer DEFAULT 1 NOT NULL,
    ulabel_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_ulabelblock_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_ulabelblock ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_ulabelblock_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: lamindb_ulabelproject; Type: TABLE; Schema: public; Owner: -
CREATE TABLE public.lamindb_ulabelproject (
    created_at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    id bigint NOT NULL,
    project_id integer NOT NULL,
    run_id bigint,
    ulabel_id integer NOT NULL,
    created_by_id integer NOT NULL
);

-- Name: lamindb_ulabelproject_id_seq; Type: SEQUENCE; Schema: public; Owner: -
ALTER TABLE public.lamindb_ulabelproject ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lamindb_ulabelproject_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: django_migrations django_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.django_migrations
    ADD CONSTRAINT django_migrations_pkey PRIMARY KEY (id);

-- Name: lamindb_artifact__actions lamindb_artifact__action_from_artifact_id_to_arti_8a506a40_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifact__actions
    ADD CONSTRAINT lamindb_artifact__action_from_artifact_id_to_arti_8a506a40_uniq UNIQUE (from_artifact_id, to_artifact_id);

-- Name: lamindb_artifact__actions lamindb_artifact__actions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifact__actions
    ADD CONSTRAINT lamindb_artifact__actions_pkey PRIMARY KEY (id);

-- Name: lamindb_artifact_input_of_runs lamindb_artifact_input_of_runs_artifact_id_run_id_1a9bc590_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifact_input_of_runs
    ADD CONSTRAINT lamindb_artifact_input_of_runs_artifact_id_run_id_1a9bc590_uniq UNIQUE (artifact_id, run_id);

-- Name: lamindb_artifact_input_of_runs lamindb_artifact_input_of_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifact_input_of_runs
    ADD CONSTRAINT lamindb_artifact_input_of_runs_pkey PRIMARY KEY (id);

-- Name: lamindb_artifact_recreating_runs lamindb_artifact_recreat_artifact_id_run_id_8cee79f7_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifact_recreating_runs
    ADD CONSTRAINT lamindb_artifact_recreat_artifact_id_run_id_8cee79f7_uniq UNIQUE (artifact_id, run_id);

-- Name: lamindb_artifact_recreating_runs lamindb_artifact_recreating_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifact_recreating_runs
    ADD CONSTRAINT lamindb_artifact_recreating_runs_pkey PRIMARY KEY (id);

-- Name: lamindb_artifactartifact lamindb_artifactartifact_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactartifact
    ADD CONSTRAINT lamindb_artifactartifact_pkey PRIMARY KEY (id);

-- Name: lamindb_artifactblock lamindb_artifactblock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactblock
    ADD CONSTRAINT lamindb_artifactblock_pkey PRIMARY KEY (id);

-- Name: lamindb_artifactblock lamindb_artifactblock_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactblock
    ADD CONSTRAINT lamindb_artifactblock_uid_key UNIQUE (uid);

-- Name: lamindb_artifactproject lamindb_artifactproject_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactproject
    ADD CONSTRAINT lamindb_artifactproject_pkey PRIMARY KEY (id);

-- Name: lamindb_artifactrecord lamindb_artifactrecord_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactrecord
    ADD CONSTRAINT lamindb_artifactrecord_pkey PRIMARY KEY (id);

-- Name: lamindb_artifactreference lamindb_artifactreference_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactreference
    ADD CONSTRAINT lamindb_artifactreference_pkey PRIMARY KEY (id);

-- Name: lamindb_artifactrun lamindb_artifactrun_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactrun
    ADD CONSTRAINT lamindb_artifactrun_pkey PRIMARY KEY (id);

-- Name: lamindb_artifactschema lamindb_artifactschema_artifact_id_slot_0d4ee287_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactschema
    ADD CONSTRAINT lamindb_artifactschema_artifact_id_slot_0d4ee287_uniq UNIQUE (artifact_id, slot);

-- Name: lamindb_artifactschema lamindb_artifactschema_artifact_id_slot_schema_id_e0635a2b_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactschema
    ADD CONSTRAINT lamindb_artifactschema_artifact_id_slot_schema_id_e0635a2b_uniq UNIQUE (artifact_id, slot, schema_id);

-- Name: lamindb_artifactschema lamindb_artifactschema_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactschema
    ADD CONSTRAINT lamindb_artifactschema_pkey PRIMARY KEY (id);

-- Name: lamindb_artifactuser lamindb_artifactuser_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactuser
    ADD CONSTRAINT lamindb_artifactuser_pkey PRIMARY KEY (id);

-- Name: lamindb_block lamindb_block_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_block
    ADD CONSTRAINT lamindb_block_pkey PRIMARY KEY (id);

-- Name: lamindb_block lamindb_block_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_block
    ADD CONSTRAINT lamindb_block_uid_key UNIQUE (uid);

-- Name: lamindb_blockproject lamindb_blockproject_block_id_project_id_f3f96073_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_blockproject
    ADD CONSTRAINT lamindb_blockproject_block_id_project_id_f3f96073_uniq UNIQUE (block_id, project_id);

-- Name: lamindb_blockproject lamindb_blockproject_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_blockproject
    ADD CONSTRAINT lamindb_blockproject_pkey PRIMARY KEY (id);

-- Name: lamindb_branchblock lamindb_branchblock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchblock
    ADD CONSTRAINT lamindb_branchblock_pkey PRIMARY KEY (id);

-- Name: lamindb_branchblock lamindb_branchblock_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchblock
    ADD CONSTRAINT lamindb_branchblock_uid_key UNIQUE (uid);

-- Name: lamindb_branchproject lamindb_branchproject_branch_id_project_id_a3b7c1ba_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchproject
    ADD CONSTRAINT lamindb_branchproject_branch_id_project_id_a3b7c1ba_uniq UNIQUE (branch_id, project_id);

-- Name: lamindb_branchproject lamindb_branchproject_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchproject
    ADD CONSTRAINT lamindb_branchproject_pkey PRIMARY KEY (id);

-- Name: lamindb_branchulabel lamindb_branchulabel_branch_id_ulabel_id_6644eea9_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchulabel
    ADD CONSTRAINT lamindb_branchulabel_branch_id_ulabel_id_6644eea9_uniq UNIQUE (branch_id, ulabel_id);

-- Name: lamindb_branchulabel lamindb_branchulabel_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchulabel
    ADD CONSTRAINT lamindb_branchulabel_pkey PRIMARY KEY (id);

-- Name: lamindb_branchuser lamindb_branchuser_branch_id_user_id_role_5a4348c6_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchuser
    ADD CONSTRAINT lamindb_branchuser_branch_id_user_id_role_5a4348c6_uniq UNIQUE (branch_id, user_id, role);

-- Name: lamindb_branchuser lamindb_branchuser_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchuser
    ADD CONSTRAINT lamindb_branchuser_pkey PRIMARY KEY (id);

-- Name: lamindb_collection__actions lamindb_collection__acti_collection_id_artifact_i_2eabe9bd_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection__actions
    ADD CONSTRAINT lamindb_collection__acti_collection_id_artifact_i_2eabe9bd_uniq UNIQUE (collection_id, artifact_id);

-- Name: lamindb_collection__actions lamindb_collection__actions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection__actions
    ADD CONSTRAINT lamindb_collection__actions_pkey PRIMARY KEY (id);

-- Name: lamindb_collection_input_of_runs lamindb_collection_input_collection_id_run_id_8ae1899a_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection_input_of_runs
    ADD CONSTRAINT lamindb_collection_input_collection_id_run_id_8ae1899a_uniq UNIQUE (collection_id, run_id);

-- Name: lamindb_collection_input_of_runs lamindb_collection_input_of_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection_input_of_runs
    ADD CONSTRAINT lamindb_collection_input_of_runs_pkey PRIMARY KEY (id);

-- Name: lamindb_collection lamindb_collection_meta_artifact_id_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection
    ADD CONSTRAINT lamindb_collection_meta_artifact_id_key UNIQUE (meta_artifact_id);

-- Name: lamindb_collection lamindb_collection_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection
    ADD CONSTRAINT lamindb_collection_pkey PRIMARY KEY (id);

-- Name: lamindb_collection_recreating_runs lamindb_collection_recre_collection_id_run_id_f479ed55_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection_recreating_runs
    ADD CONSTRAINT lamindb_collection_recre_collection_id_run_id_f479ed55_uniq UNIQUE (collection_id, run_id);

-- Name: lamindb_collection_recreating_runs lamindb_collection_recreating_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection_recreating_runs
    ADD CONSTRAINT lamindb_collection_recreating_runs_pkey PRIMARY KEY (id);

-- Name: lamindb_collection lamindb_collection_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection
    ADD CONSTRAINT lamindb_collection_uid_key UNIQUE (uid);

-- Name: lamindb_collectionartifact lamindb_collectionartifa_collection_id_artifact_i_46c7d56d_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionartifact
    ADD CONSTRAINT lamindb_collectionartifa_collection_id_artifact_i_46c7d56d_uniq UNIQUE (collection_id, artifact_id);

-- Name: lamindb_collectionartifact lamindb_collectionartifact_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionartifact
    ADD CONSTRAINT lamindb_collectionartifact_pkey PRIMARY KEY (id);

-- Name: lamindb_collectionblock lamindb_collectionblock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionblock
    ADD CONSTRAINT lamindb_collectionblock_pkey PRIMARY KEY (id);

-- Name: lamindb_collectionblock lamindb_collectionblock_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionblock
    ADD CONSTRAINT lamindb_collectionblock_uid_key UNIQUE (uid);

-- Name: lamindb_collectionproject lamindb_collectionprojec_collection_id_project_id_3400ed11_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionproject
    ADD CONSTRAINT lamindb_collectionprojec_collection_id_project_id_3400ed11_uniq UNIQUE (collection_id, project_id);

-- Name: lamindb_collectionproject lamindb_collectionproject_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionproject
    ADD CONSTRAINT lamindb_collectionproject_pkey PRIMARY KEY (id);

-- Name: lamindb_collectionrecord lamindb_collectionrecord_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionrecord
    ADD CONSTRAINT lamindb_collectionrecord_pkey PRIMARY KEY (id);

-- Name: lamindb_collectionreference lamindb_collectionrefere_collection_id_reference__38ebf4a9_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionreference
    ADD CONSTRAINT lamindb_collectionrefere_collection_id_reference__38ebf4a9_uniq UNIQUE (collection_id, reference_id);

-- Name: lamindb_collectionreference lamindb_collectionreference_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionreference
    ADD CONSTRAINT lamindb_collectionreference_pkey PRIMARY KEY (id);

-- Name: lamindb_collectionulabel lamindb_collectionulabel_collection_id_ulabel_id_c6f19b36_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionulabel
    ADD CONSTRAINT lamindb_collectionulabel_collection_id_ulabel_id_c6f19b36_uniq UNIQUE (collection_id, ulabel_id);

-- Name: lamindb_collectionulabel lamindb_collectionulabel_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionulabel
    ADD CONSTRAINT lamindb_collectionulabel_pkey PRIMARY KEY (id);

-- Name: lamindb_featureblock lamindb_featureblock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_featureblock
    ADD CONSTRAINT lamindb_featureblock_pkey PRIMARY KEY (id);

-- Name: lamindb_featureblock lamindb_featureblock_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_featureblock
    ADD CONSTRAINT lamindb_featureblock_uid_key UNIQUE (uid);

-- Name: lamindb_featureproject lamindb_featureproject_feature_id_project_id_251ff958_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_featureproject
    ADD CONSTRAINT lamindb_featureproject_feature_id_project_id_251ff958_uniq UNIQUE (feature_id, project_id);

-- Name: lamindb_featureproject lamindb_featureproject_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_featureproject
    ADD CONSTRAINT lamindb_featureproject_pkey PRIMARY KEY (id);

-- Name: lamindb_project_parents lamindb_project_parents_from_project_id_to_proje_a837bfdf_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project_parents
    ADD CONSTRAINT lamindb_project_parents_from_project_id_to_proje_a837bfdf_uniq UNIQUE (from_project_id, to_project_id);

-- Name: lamindb_project_parents lamindb_project_parents_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project_parents
    ADD CONSTRAINT lamindb_project_parents_pkey PRIMARY KEY (id);

-- Name: lamindb_project lamindb_project_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project
    ADD CONSTRAINT lamindb_project_pkey PRIMARY KEY (id);

-- Name: lamindb_project_predecessors lamindb_project_predeces_from_project_id_to_proje_44ba5719_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project_predecessors
    ADD CONSTRAINT lamindb_project_predeces_from_project_id_to_proje_44ba5719_uniq UNIQUE (from_project_id, to_project_id);

-- Name: lamindb_project_predecessors lamindb_project_predecessors_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project_predecessors
    ADD CONSTRAINT lamindb_project_predecessors_pkey PRIMARY KEY (id);

-- Name: lamindb_project_references lamindb_project_referenc_project_id_reference_id_b403d45f_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project_references
    ADD CONSTRAINT lamindb_project_referenc_project_id_reference_id_b403d45f_uniq UNIQUE (project_id, reference_id);

-- Name: lamindb_project_references lamindb_project_references_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project_references
    ADD CONSTRAINT lamindb_project_references_pkey PRIMARY KEY (id);

-- Name: lamindb_project lamindb_project_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project
    ADD CONSTRAINT lamindb_project_uid_key UNIQUE (uid);

-- Name: lamindb_projectblock lamindb_projectblock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectblock
    ADD CONSTRAINT lamindb_projectblock_pkey PRIMARY KEY (id);

-- Name: lamindb_projectblock lamindb_projectblock_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectblock
    ADD CONSTRAINT lamindb_projectblock_uid_key UNIQUE (uid);

-- Name: lamindb_projectrecord lamindb_projectrecord_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectrecord
    ADD CONSTRAINT lamindb_projectrecord_pkey PRIMARY KEY (id);

-- Name: lamindb_projectuser lamindb_projectuser_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectuser
    ADD CONSTRAINT lamindb_projectuser_pkey PRIMARY KEY (id);

-- Name: lamindb_projectuser lamindb_projectuser_project_id_user_id_role_b93a8516_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectuser
    ADD CONSTRAINT lamindb_projectuser_project_id_user_id_role_b93a8516_uniq UNIQUE (project_id, user_id, role);

-- Name: lamindb_record_input_of_runs lamindb_record_input_of_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record_input_of_runs
    ADD CONSTRAINT lamindb_record_input_of_runs_pkey PRIMARY KEY (id);

-- Name: lamindb_record_input_of_runs lamindb_record_input_of_runs_record_id_run_id_5200b64f_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record_input_of_runs
    ADD CONSTRAINT lamindb_record_input_of_runs_record_id_run_id_5200b64f_uniq UNIQUE (record_id, run_id);

-- Name: lamindb_record_parents lamindb_record_parents_from_record_id_to_record_8b372b48_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record_parents
    ADD CONSTRAINT lamindb_record_parents_from_record_id_to_record_8b372b48_uniq UNIQUE (from_record_id, to_record_id);

-- Name: lamindb_record_parents lamindb_record_parents_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record_parents
    ADD CONSTRAINT lamindb_record_parents_pkey PRIMARY KEY (id);

-- Name: lamindb_record lamindb_record_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record
    ADD CONSTRAINT lamindb_record_pkey PRIMARY KEY (id);

-- Name: lamindb_record lamindb_record_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record
    ADD CONSTRAINT lamindb_record_uid_key UNIQUE (uid);

-- Name: lamindb_recordartifact lamindb_recordartifact_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordartifact
    ADD CONSTRAINT lamindb_recordartifact_pkey PRIMARY KEY (id);

-- Name: lamindb_recordartifact lamindb_recordartifact_record_id_feature_id_val_db2b4718_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordartifact
    ADD CONSTRAINT lamindb_recordartifact_record_id_feature_id_val_db2b4718_uniq UNIQUE (record_id, feature_id, value_id);

-- Name: lamindb_recordblock lamindb_recordblock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordblock
    ADD CONSTRAINT lamindb_recordblock_pkey PRIMARY KEY (id);

-- Name: lamindb_recordblock lamindb_recordblock_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordblock
    ADD CONSTRAINT lamindb_recordblock_uid_key UNIQUE (uid);

-- Name: lamindb_recordcollection lamindb_recordcollection_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordcollection
    ADD CONSTRAINT lamindb_recordcollection_pkey PRIMARY KEY (id);

-- Name: lamindb_recordcollection lamindb_recordcollection_record_id_feature_id_val_7cdb35b9_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordcollection
    ADD CONSTRAINT lamindb_recordcollection_record_id_feature_id_val_7cdb35b9_uniq UNIQUE (record_id, feature_id, value_id);

-- Name: lamindb_recordjson lamindb_recordjson_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordjson
    ADD CONSTRAINT lamindb_recordjson_pkey PRIMARY KEY (id);

-- Name: lamindb_recordjson lamindb_recordjson_record_id_feature_id_432fb040_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordjson
    ADD CONSTRAINT lamindb_recordjson_record_id_feature_id_432fb040_uniq UNIQUE (record_id, feature_id);

-- Name: lamindb_recordproject lamindb_recordproject_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordproject
    ADD CONSTRAINT lamindb_recordproject_pkey PRIMARY KEY (id);

-- Name: lamindb_recordproject lamindb_recordproject_record_id_feature_id_val_a6bd5a42_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordproject
    ADD CONSTRAINT lamindb_recordproject_record_id_feature_id_val_a6bd5a42_uniq UNIQUE (record_id, feature_id, value_id);

-- Name: lamindb_recordrecord lamindb_recordrecord_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordrecord
    ADD CONSTRAINT lamindb_recordrecord_pkey PRIMARY KEY (id);

-- Name: lamindb_recordrecord lamindb_recordrecord_record_id_feature_id_val_db90f81f_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordrecord
    ADD CONSTRAINT lamindb_recordrecord_record_id_feature_id_val_db90f81f_uniq UNIQUE (record_id, feature_id, value_id);

-- Name: lamindb_recordreference lamindb_recordreference_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordreference
    ADD CONSTRAINT lamindb_recordreference_pkey PRIMARY KEY (id);

-- Name: lamindb_recordreference lamindb_recordreference_record_id_feature_id_val_897e309a_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordreference
    ADD CONSTRAINT lamindb_recordreference_record_id_feature_id_val_897e309a_uniq UNIQUE (record_id, feature_id, value_id);

-- Name: lamindb_recordrun lamindb_recordrun_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordrun
    ADD CONSTRAINT lamindb_recordrun_pkey PRIMARY KEY (id);

-- Name: lamindb_recordrun lamindb_recordrun_record_id_feature_id_value_id_58e202e6_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordrun
    ADD CONSTRAINT lamindb_recordrun_record_id_feature_id_value_id_58e202e6_uniq UNIQUE (record_id, feature_id, value_id);

-- Name: lamindb_recordtransform lamindb_recordtransform_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordtransform
    ADD CONSTRAINT lamindb_recordtransform_pkey PRIMARY KEY (id);

-- Name: lamindb_recordtransform lamindb_recordtransform_record_id_feature_id_val_f64cbc48_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordtransform
    ADD CONSTRAINT lamindb_recordtransform_record_id_feature_id_val_f64cbc48_uniq UNIQUE (record_id, feature_id, value_id);

-- Name: lamindb_recordulabel lamindb_recordulabel_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordulabel
    ADD CONSTRAINT lamindb_recordulabel_pkey PRIMARY KEY (id);

-- Name: lamindb_recordulabel lamindb_recordulabel_record_id_feature_id_val_16771a39_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordulabel
    ADD CONSTRAINT lamindb_recordulabel_record_id_feature_id_val_16771a39_uniq UNIQUE (record_id, feature_id, value_id);

-- Name: lamindb_recorduser lamindb_recorduser_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recorduser
    ADD CONSTRAINT lamindb_recorduser_pkey PRIMARY KEY (id);

-- Name: lamindb_recorduser lamindb_recorduser_record_id_feature_id_value_id_59a7df11_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recorduser
    ADD CONSTRAINT lamindb_recorduser_record_id_feature_id_value_id_59a7df11_uniq UNIQUE (record_id, feature_id, value_id);

-- Name: lamindb_reference lamindb_reference_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_reference
    ADD CONSTRAINT lamindb_reference_pkey PRIMARY KEY (id);

-- Name: lamindb_reference lamindb_reference_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_reference
    ADD CONSTRAINT lamindb_reference_uid_key UNIQUE (uid);

-- Name: lamindb_referencerecord lamindb_referencerecord_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_referencerecord
    ADD CONSTRAINT lamindb_referencerecord_pkey PRIMARY KEY (id);

-- Name: lamindb_runartifact lamindb_runartifact_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runartifact
    ADD CONSTRAINT lamindb_runartifact_pkey PRIMARY KEY (id);

-- Name: lamindb_runblock lamindb_runblock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runblock
    ADD CONSTRAINT lamindb_runblock_pkey PRIMARY KEY (id);

-- Name: lamindb_runblock lamindb_runblock_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runblock
    ADD CONSTRAINT lamindb_runblock_uid_key UNIQUE (uid);

-- Name: lamindb_runjsonvalue lamindb_runjsonvalue_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runjsonvalue
    ADD CONSTRAINT lamindb_runjsonvalue_pkey PRIMARY KEY (id);

-- Name: lamindb_runjsonvalue lamindb_runjsonvalue_run_id_jsonvalue_id_c113d77f_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runjsonvalue
    ADD CONSTRAINT lamindb_runjsonvalue_run_id_jsonvalue_id_c113d77f_uniq UNIQUE (run_id, jsonvalue_id);

-- Name: lamindb_runproject lamindb_runproject_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runproject
    ADD CONSTRAINT lamindb_runproject_pkey PRIMARY KEY (id);

-- Name: lamindb_runproject lamindb_runproject_run_id_project_id_50b33faf_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runproject
    ADD CONSTRAINT lamindb_runproject_run_id_project_id_50b33faf_uniq UNIQUE (run_id, project_id);

-- Name: lamindb_runrecord lamindb_runrecord_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runrecord
    ADD CONSTRAINT lamindb_runrecord_pkey PRIMARY KEY (id);

-- Name: lamindb_runulabel lamindb_runulabel_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runulabel
    ADD CONSTRAINT lamindb_runulabel_pkey PRIMARY KEY (id);

-- Name: lamindb_runulabel lamindb_runulabel_run_id_ulabel_id_ccfae975_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runulabel
    ADD CONSTRAINT lamindb_runulabel_run_id_ulabel_id_ccfae975_uniq UNIQUE (run_id, ulabel_id);

-- Name: lamindb_schemablock lamindb_schemablock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemablock
    ADD CONSTRAINT lamindb_schemablock_pkey PRIMARY KEY (id);

-- Name: lamindb_schemablock lamindb_schemablock_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemablock
    ADD CONSTRAINT lamindb_schemablock_uid_key UNIQUE (uid);

-- Name: lamindb_schemacomponent lamindb_schemacomponent_composite_id_slot_c367d0a7_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemacomponent
    ADD CONSTRAINT lamindb_schemacomponent_composite_id_slot_c367d0a7_uniq UNIQUE (composite_id, slot);

-- Name: lamindb_schemacomponent lamindb_schemacomponent_composite_id_slot_compon_38fa934b_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemacomponent
    ADD CONSTRAINT lamindb_schemacomponent_composite_id_slot_compon_38fa934b_uniq UNIQUE (composite_id, slot, component_id);

-- Name: lamindb_schemacomponent lamindb_schemacomponent_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemacomponent
    ADD CONSTRAINT lamindb_schemacomponent_pkey PRIMARY KEY (id);

-- Name: lamindb_schemafeature lamindb_schemafeature_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemafeature
    ADD CONSTRAINT lamindb_schemafeature_pkey PRIMARY KEY (id);

-- Name: lamindb_schemafeature lamindb_schemafeature_schema_id_feature_id_e9494b91_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemafeature
    ADD CONSTRAINT lamindb_schemafeature_schema_id_feature_id_e9494b91_uniq UNIQUE (schema_id, feature_id);

-- Name: lamindb_schemaproject lamindb_schemaproject_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemaproject
    ADD CONSTRAINT lamindb_schemaproject_pkey PRIMARY KEY (id);

-- Name: lamindb_schemaproject lamindb_schemaproject_schema_id_project_id_73a4cbf6_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemaproject
    ADD CONSTRAINT lamindb_schemaproject_schema_id_project_id_73a4cbf6_uniq UNIQUE (schema_id, project_id);

-- Name: lamindb_spaceblock lamindb_spaceblock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_spaceblock
    ADD CONSTRAINT lamindb_spaceblock_pkey PRIMARY KEY (id);

-- Name: lamindb_spaceblock lamindb_spaceblock_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_spaceblock
    ADD CONSTRAINT lamindb_spaceblock_uid_key UNIQUE (uid);

-- Name: lamindb_transformblock lamindb_transformblock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformblock
    ADD CONSTRAINT lamindb_transformblock_pkey PRIMARY KEY (id);

-- Name: lamindb_transformblock lamindb_transformblock_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformblock
    ADD CONSTRAINT lamindb_transformblock_uid_key UNIQUE (uid);

-- Name: lamindb_transformproject lamindb_transformproject_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformproject
    ADD CONSTRAINT lamindb_transformproject_pkey PRIMARY KEY (id);

-- Name: lamindb_transformproject lamindb_transformproject_transform_id_project_id_35c6a4a4_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformproject
    ADD CONSTRAINT lamindb_transformproject_transform_id_project_id_35c6a4a4_uniq UNIQUE (transform_id, project_id);

-- Name: lamindb_transformrecord lamindb_transformrecord_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformrecord
    ADD CONSTRAINT lamindb_transformrecord_pkey PRIMARY KEY (id);

-- Name: lamindb_transformreference lamindb_transformreferen_transform_id_reference_i_e720a825_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformreference
    ADD CONSTRAINT lamindb_transformreferen_transform_id_reference_i_e720a825_uniq UNIQUE (transform_id, reference_id);

-- Name: lamindb_transformreference lamindb_transformreference_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformreference
    ADD CONSTRAINT lamindb_transformreference_pkey PRIMARY KEY (id);

-- Name: lamindb_transformtransform lamindb_transformtransfo_successor_id_predecessor_01527380_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformtransform
    ADD CONSTRAINT lamindb_transformtransfo_successor_id_predecessor_01527380_uniq UNIQUE (successor_id, predecessor_id);

-- Name: lamindb_transformtransform lamindb_transformtransform_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformtransform
    ADD CONSTRAINT lamindb_transformtransform_pkey PRIMARY KEY (id);

-- Name: lamindb_transformulabel lamindb_transformulabel_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformulabel
    ADD CONSTRAINT lamindb_transformulabel_pkey PRIMARY KEY (id);

-- Name: lamindb_transformulabel lamindb_transformulabel_transform_id_ulabel_id_52ad0461_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformulabel
    ADD CONSTRAINT lamindb_transformulabel_transform_id_ulabel_id_52ad0461_uniq UNIQUE (transform_id, ulabel_id);

-- Name: lamindb_ulabelblock lamindb_ulabelblock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_ulabelblock
    ADD CONSTRAINT lamindb_ulabelblock_pkey PRIMARY KEY (id);

-- Name: lamindb_ulabelblock lamindb_ulabelblock_uid_key; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_ulabelblock
    ADD CONSTRAINT lamindb_ulabelblock_uid_key UNIQUE (uid);

-- Name: lamindb_ulabelproject lamindb_ulabelproject_pkey; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_ulabelproject
    ADD CONSTRAINT lamindb_ulabelproject_pkey PRIMARY KEY (id);

-- Name: lamindb_ulabelproject lamindb_ulabelproject_ulabel_id_project_id_476cf08c_uniq; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_ulabelproject
    ADD CONSTRAINT lamindb_ulabelproject_ulabel_id_project_id_476cf08c_uniq UNIQUE (ulabel_id, project_id);

-- Name: lamindb_collection unique_collection_key_hash_not_null; Type: CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection
    ADD CONSTRAINT unique_collection_key_hash_not_null UNIQUE (key, hash);

-- Name: lamindb_artifact__actions_from_artifact_id_cbf9b9e8; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifact__actions_from_artifact_id_cbf9b9e8 ON public.lamindb_artifact__actions USING btree (from_artifact_id);

-- Name: lamindb_artifact__actions_to_artifact_id_df2c7b20; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifact__actions_to_artifact_id_df2c7b20 ON public.lamindb_artifact__actions USING btree (to_artifact_id);

-- Name: lamindb_artifact_input_of_runs_artifact_id_2b7beb71; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifact_input_of_runs_artifact_id_2b7beb71 ON public.lamindb_artifact_input_of_runs USING btree (artifact_id);

-- Name: lamindb_artifact_input_of_runs_run_id_36206841; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifact_input_of_runs_run_id_36206841 ON public.lamindb_artifact_input_of_runs USING btree (run_id);

-- Name: lamindb_artifact_recreating_runs_artifact_id_fe466288; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifact_recreating_runs_artifact_id_fe466288 ON public.lamindb_artifact_recreating_runs USING btree (artifact_id);

-- Name: lamindb_artifact_recreating_runs_run_id_0929921c; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifact_recreating_runs_run_id_0929921c ON public.lamindb_artifact_recreating_runs USING btree (run_id);

-- Name: lamindb_artifactartifact_artifact_id_8036a608; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactartifact_artifact_id_8036a608 ON public.lamindb_artifactartifact USING btree (artifact_id);

-- Name: lamindb_artifactartifact_created_at_800f98d4; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactartifact_created_at_800f98d4 ON public.lamindb_artifactartifact USING btree (created_at);

-- Name: lamindb_artifactartifact_created_by_id_c29ca22c; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactartifact_created_by_id_c29ca22c ON public.lamindb_artifactartifact USING btree (created_by_id);

-- Name: lamindb_artifactartifact_feature_id_441aacda; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactartifact_feature_id_441aacda ON public.lamindb_artifactartifact USING btree (feature_id);

-- Name: lamindb_artifactartifact_run_id_99bb534a; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactartifact_run_id_99bb534a ON public.lamindb_artifactartifact USING btree (run_id);

-- Name: lamindb_artifactartifact_value_id_5e9cbbe7; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactartifact_value_id_5e9cbbe7 ON public.lamindb_artifactartifact USING btree (value_id);

-- Name: lamindb_artifactblock__status_code_478ff1ff; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock__status_code_478ff1ff ON public.lamindb_artifactblock USING btree (_status_code);

-- Name: lamindb_artifactblock_artifact_id_f86bee57; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock_artifact_id_f86bee57 ON public.lamindb_artifactblock USING btree (artifact_id);

-- Name: lamindb_artifactblock_branch_id_9cdc9299; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock_branch_id_9cdc9299 ON public.lamindb_artifactblock USING btree (branch_id);

-- Name: lamindb_artifactblock_created_at_0b6ad5ef; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock_created_at_0b6ad5ef ON public.lamindb_artifactblock USING btree (created_at);

-- Name: lamindb_artifactblock_created_by_id_1f430795; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock_created_by_id_1f430795 ON public.lamindb_artifactblock USING btree (created_by_id);

-- Name: lamindb_artifactblock_created_on_id_4c495472; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock_created_on_id_4c495472 ON public.lamindb_artifactblock USING btree (created_on_id);

-- Name: lamindb_artifactblock_hash_f20ebd3d; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock_hash_f20ebd3d ON public.lamindb_artifactblock USING btree (hash);

-- Name: lamindb_artifactblock_hash_f20ebd3d_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock_hash_f20ebd3d_like ON public.lamindb_artifactblock USING btree (hash varchar_pattern_ops);

-- Name: lamindb_artifactblock_is_latest_9609f5d6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock_is_latest_9609f5d6 ON public.lamindb_artifactblock USING btree (is_latest);

-- Name: lamindb_artifactblock_kind_103ad4c1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock_kind_103ad4c1 ON public.lamindb_artifactblock USING btree (kind);

-- Name: lamindb_artifactblock_kind_103ad4c1_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock_kind_103ad4c1_like ON public.lamindb_artifactblock USING btree (kind varchar_pattern_ops);

-- Name: lamindb_artifactblock_uid_ce493737_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock_uid_ce493737_like ON public.lamindb_artifactblock USING btree (uid varchar_pattern_ops);

-- Name: lamindb_artifactblock_version_tag_889f1554; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock_version_tag_889f1554 ON public.lamindb_artifactblock USING btree (version_tag);

-- Name: lamindb_artifactblock_version_tag_889f1554_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactblock_version_tag_889f1554_like ON public.lamindb_artifactblock USING btree (version_tag varchar_pattern_ops);

-- Name: lamindb_artifactproject_artifact_id_b448a334; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactproject_artifact_id_b448a334 ON public.lamindb_artifactproject USING btree (artifact_id);

-- Name: lamindb_artifactproject_created_at_0f8b2c57; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactproject_created_at_0f8b2c57 ON public.lamindb_artifactproject USING btree (created_at);

-- Name: lamindb_artifactproject_created_by_id_7e83aa91; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactproject_created_by_id_7e83aa91 ON public.lamindb_artifactproject USING btree (created_by_id);

-- Name: lamindb_artifactproject_feature_id_9c4bd32c; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactproject_feature_id_9c4bd32c ON public.lamindb_artifactproject USING btree (feature_id);

-- Name: lamindb_artifactproject_project_id_b016e592; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactproject_project_id_b016e592 ON public.lamindb_artifactproject USING btree (project_id);

-- Name: lamindb_artifactproject_run_id_25b0ba7e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactproject_run_id_25b0ba7e ON public.lamindb_artifactproject USING btree (run_id);

-- Name: lamindb_artifactrecord_artifact_id_ec1b1b2e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactrecord_artifact_id_ec1b1b2e ON public.lamindb_artifactrecord USING btree (artifact_id);

-- Name: lamindb_artifactrecord_created_at_af99bd22; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactrecord_created_at_af99bd22 ON public.lamindb_artifactrecord USING btree (created_at);

-- Name: lamindb_artifactrecord_created_by_id_d60b6ee6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactrecord_created_by_id_d60b6ee6 ON public.lamindb_artifactrecord USING btree (created_by_id);

-- Name: lamindb_artifactrecord_feature_id_8247af63; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactrecord_feature_id_8247af63 ON public.lamindb_artifactrecord USING btree (feature_id);

-- Name: lamindb_artifactrecord_record_id_e6b7a0ef; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactrecord_record_id_e6b7a0ef ON public.lamindb_artifactrecord USING btree (record_id);

-- Name: lamindb_artifactrecord_run_id_8595deb5; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactrecord_run_id_8595deb5 ON public.lamindb_artifactrecord USING btree (run_id);

-- Name: lamindb_artifactreference_artifact_id_f9703eae; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactreference_artifact_id_f9703eae ON public.lamindb_artifactreference USING btree (artifact_id);

-- Name: lamindb_artifactreference_created_at_c8e7b5dc; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactreference_created_at_c8e7b5dc ON public.lamindb_artifactreference USING btree (created_at);

-- Name: lamindb_artifactreference_created_by_id_92148277; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactreference_created_by_id_92148277 ON public.lamindb_artifactreference USING btree (created_by_id);

-- Name: lamindb_artifactreference_feature_id_6bae8538; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactreference_feature_id_6bae8538 ON public.lamindb_artifactreference USING btree (feature_id);

-- Name: lamindb_artifactreference_reference_id_1a6f9541; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactreference_reference_id_1a6f9541 ON public.lamindb_artifactreference USING btree (reference_id);

-- Name: lamindb_artifactreference_run_id_75c00bb2; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactreference_run_id_75c00bb2 ON public.lamindb_artifactreference USING btree (run_id);

-- Name: lamindb_artifactrun_artifact_id_e3abfceb; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactrun_artifact_id_e3abfceb ON public.lamindb_artifactrun USING btree (artifact_id);

-- Name: lamindb_artifactrun_created_at_6e13b831; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactrun_created_at_6e13b831 ON public.lamindb_artifactrun USING btree (created_at);

-- Name: lamindb_artifactrun_created_by_id_4d21c517; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactrun_created_by_id_4d21c517 ON public.lamindb_artifactrun USING btree (created_by_id);

-- Name: lamindb_artifactrun_feature_id_ef040e57; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactrun_feature_id_ef040e57 ON public.lamindb_artifactrun USING btree (feature_id);

-- Name: lamindb_artifactrun_run_id_a1bc3116; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactrun_run_id_a1bc3116 ON public.lamindb_artifactrun USING btree (run_id);

-- Name: lamindb_artifactschema_artifact_id_e3a5044b; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactschema_artifact_id_e3a5044b ON public.lamindb_artifactschema USING btree (artifact_id);

-- Name: lamindb_artifactschema_created_at_0487a349; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactschema_created_at_0487a349 ON public.lamindb_artifactschema USING btree (created_at);

-- Name: lamindb_artifactschema_created_by_id_4190cc8d; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactschema_created_by_id_4190cc8d ON public.lamindb_artifactschema USING btree (created_by_id);

-- Name: lamindb_artifactschema_run_id_364cced8; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactschema_run_id_364cced8 ON public.lamindb_artifactschema USING btree (run_id);

-- Name: lamindb_artifactschema_schema_id_c5ac72f0; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactschema_schema_id_c5ac72f0 ON public.lamindb_artifactschema USING btree (schema_id);

-- Name: lamindb_artifactuser_artifact_id_e44f7088; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactuser_artifact_id_e44f7088 ON public.lamindb_artifactuser USING btree (artifact_id);

-- Name: lamindb_artifactuser_created_at_2f938212; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactuser_created_at_2f938212 ON public.lamindb_artifactuser USING btree (created_at);

-- Name: lamindb_artifactuser_created_by_id_5e3f4988; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactuser_created_by_id_5e3f4988 ON public.lamindb_artifactuser USING btree (created_by_id);

-- Name: lamindb_artifactuser_feature_id_6701b659; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactuser_feature_id_6701b659 ON public.lamindb_artifactuser USING btree (feature_id);

-- Name: lamindb_artifactuser_run_id_17a6a47a; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactuser_run_id_17a6a47a ON public.lamindb_artifactuser USING btree (run_id);

-- Name: lamindb_artifactuser_user_id_63bb1488; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_artifactuser_user_id_63bb1488 ON public.lamindb_artifactuser USING btree (user_id);

-- Name: lamindb_block__status_code_488afb25; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block__status_code_488afb25 ON public.lamindb_block USING btree (_status_code);

-- Name: lamindb_block_anchor_id_818f0184; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_anchor_id_818f0184 ON public.lamindb_block USING btree (anchor_id);

-- Name: lamindb_block_branch_id_c24250c7; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_branch_id_c24250c7 ON public.lamindb_block USING btree (branch_id);

-- Name: lamindb_block_created_at_76fc3193; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_created_at_76fc3193 ON public.lamindb_block USING btree (created_at);

-- Name: lamindb_block_created_by_id_8b175ba1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_created_by_id_8b175ba1 ON public.lamindb_block USING btree (created_by_id);

-- Name: lamindb_block_created_on_id_cff74ef4; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_created_on_id_cff74ef4 ON public.lamindb_block USING btree (created_on_id);

-- Name: lamindb_block_hash_14dfe2d8; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_hash_14dfe2d8 ON public.lamindb_block USING btree (hash);

-- Name: lamindb_block_hash_14dfe2d8_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_hash_14dfe2d8_like ON public.lamindb_block USING btree (hash varchar_pattern_ops);

-- Name: lamindb_block_is_latest_8a633b23; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_is_latest_8a633b23 ON public.lamindb_block USING btree (is_latest);

-- Name: lamindb_block_key_0ae583b2; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_key_0ae583b2 ON public.lamindb_block USING btree (key);

-- Name: lamindb_block_key_0ae583b2_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_key_0ae583b2_like ON public.lamindb_block USING btree (key varchar_pattern_ops);

-- Name: lamindb_block_kind_5970e884; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_kind_5970e884 ON public.lamindb_block USING btree (kind);

-- Name: lamindb_block_kind_5970e884_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_kind_5970e884_like ON public.lamindb_block USING btree (kind varchar_pattern_ops);

-- Name: lamindb_block_space_id_5fff7e52; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_space_id_5fff7e52 ON public.lamindb_block USING btree (space_id);

-- Name: lamindb_block_uid_e5bd63b7_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_uid_e5bd63b7_like ON public.lamindb_block USING btree (uid varchar_pattern_ops);

-- Name: lamindb_block_version_tag_4fe7abb6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_version_tag_4fe7abb6 ON public.lamindb_block USING btree (version_tag);

-- Name: lamindb_block_version_tag_4fe7abb6_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_block_version_tag_4fe7abb6_like ON public.lamindb_block USING btree (version_tag varchar_pattern_ops);

-- Name: lamindb_blockproject_block_id_b7192334; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_blockproject_block_id_b7192334 ON public.lamindb_blockproject USING btree (block_id);

-- Name: lamindb_blockproject_created_at_072bb37e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_blockproject_created_at_072bb37e ON public.lamindb_blockproject USING btree (created_at);

-- Name: lamindb_blockproject_created_by_id_91b1d6b3; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_blockproject_created_by_id_91b1d6b3 ON public.lamindb_blockproject USING btree (created_by_id);

-- Name: lamindb_blockproject_project_id_f0f4b281; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_blockproject_project_id_f0f4b281 ON public.lamindb_blockproject USING btree (project_id);

-- Name: lamindb_blockproject_run_id_dfa75a80; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_blockproject_run_id_dfa75a80 ON public.lamindb_blockproject USING btree (run_id);

-- Name: lamindb_branchblock__status_code_4de4e2bf; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchblock__status_code_4de4e2bf ON public.lamindb_branchblock USING btree (_status_code);

-- Name: lamindb_branchblock_branch_id_b91c49e9; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchblock_branch_id_b91c49e9 ON public.lamindb_branchblock USING btree (branch_id);

-- Name: lamindb_branchblock_created_at_15c05393; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchblock_created_at_15c05393 ON public.lamindb_branchblock USING btree (created_at);

-- Name: lamindb_branchblock_created_by_id_9d3d1857; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchblock_created_by_id_9d3d1857 ON public.lamindb_branchblock USING btree (created_by_id);

-- Name: lamindb_branchblock_hash_07c86848; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchblock_hash_07c86848 ON public.lamindb_branchblock USING btree (hash);

-- Name: lamindb_branchblock_hash_07c86848_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchblock_hash_07c86848_like ON public.lamindb_branchblock USING btree (hash varchar_pattern_ops);

-- Name: lamindb_branchblock_is_latest_e7b0a3f1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchblock_is_latest_e7b0a3f1 ON public.lamindb_branchblock USING btree (is_latest);

-- Name: lamindb_branchblock_kind_0f3aea39; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchblock_kind_0f3aea39 ON public.lamindb_branchblock USING btree (kind);

-- Name: lamindb_branchblock_kind_0f3aea39_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchblock_kind_0f3aea39_like ON public.lamindb_branchblock USING btree (kind varchar_pattern_ops);

-- Name: lamindb_branchblock_uid_623961e3_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchblock_uid_623961e3_like ON public.lamindb_branchblock USING btree (uid varchar_pattern_ops);

-- Name: lamindb_branchblock_version_tag_7cf2407f; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchblock_version_tag_7cf2407f ON public.lamindb_branchblock USING btree (version_tag);

-- Name: lamindb_branchblock_version_tag_7cf2407f_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchblock_version_tag_7cf2407f_like ON public.lamindb_branchblock USING btree (version_tag varchar_pattern_ops);

-- Name: lamindb_branchproject_branch_id_cba4e7e7; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchproject_branch_id_cba4e7e7 ON public.lamindb_branchproject USING btree (branch_id);

-- Name: lamindb_branchproject_project_id_35e3d1c5; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchproject_project_id_35e3d1c5 ON public.lamindb_branchproject USING btree (project_id);

-- Name: lamindb_branchulabel_branch_id_fbbc62a2; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchulabel_branch_id_fbbc62a2 ON public.lamindb_branchulabel USING btree (branch_id);

-- Name: lamindb_branchulabel_ulabel_id_31684525; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchulabel_ulabel_id_31684525 ON public.lamindb_branchulabel USING btree (ulabel_id);

-- Name: lamindb_branchuser_branch_id_d96313ea; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchuser_branch_id_d96313ea ON public.lamindb_branchuser USING btree (branch_id);

-- Name: lamindb_branchuser_role_7f37846f; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchuser_role_7f37846f ON public.lamindb_branchuser USING btree (role);

-- Name: lamindb_branchuser_role_7f37846f_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchuser_role_7f37846f_like ON public.lamindb_branchuser USING btree (role varchar_pattern_ops);

-- Name: lamindb_branchuser_user_id_335c8370; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_branchuser_user_id_335c8370 ON public.lamindb_branchuser USING btree (user_id);

-- Name: lamindb_collection__actions_artifact_id_bde1e790; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection__actions_artifact_id_bde1e790 ON public.lamindb_collection__actions USING btree (artifact_id);

-- Name: lamindb_collection__actions_collection_id_c3aa15bd; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection__actions_collection_id_c3aa15bd ON public.lamindb_collection__actions USING btree (collection_id);

-- Name: lamindb_collection_branch_id_7ae80524; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_branch_id_7ae80524 ON public.lamindb_collection USING btree (branch_id);

-- Name: lamindb_collection_created_at_4cb94518; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_created_at_4cb94518 ON public.lamindb_collection USING btree (created_at);

-- Name: lamindb_collection_created_by_id_85a76266; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_created_by_id_85a76266 ON public.lamindb_collection USING btree (created_by_id);

-- Name: lamindb_collection_created_on_id_3af76331; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_created_on_id_3af76331 ON public.lamindb_collection USING btree (created_on_id);

-- Name: lamindb_collection_hash_b13a51aa; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_hash_b13a51aa ON public.lamindb_collection USING btree (hash);

-- Name: lamindb_collection_hash_b13a51aa_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_hash_b13a51aa_like ON public.lamindb_collection USING btree (hash varchar_pattern_ops);

-- Name: lamindb_collection_input_of_runs_collection_id_0710a0e9; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_input_of_runs_collection_id_0710a0e9 ON public.lamindb_collection_input_of_runs USING btree (collection_id);

-- Name: lamindb_collection_input_of_runs_run_id_34421496; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_input_of_runs_run_id_34421496 ON public.lamindb_collection_input_of_runs USING btree (run_id);

-- Name: lamindb_collection_is_latest_5d6879fd; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_is_latest_5d6879fd ON public.lamindb_collection USING btree (is_latest);

-- Name: lamindb_collection_key_2bebaff0; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_key_2bebaff0 ON public.lamindb_collection USING btree (key);

-- Name: lamindb_collection_key_2bebaff0_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_key_2bebaff0_like ON public.lamindb_collection USING btree (key varchar_pattern_ops);

-- Name: lamindb_collection_recreating_runs_collection_id_5e4777a1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_recreating_runs_collection_id_5e4777a1 ON public.lamindb_collection_recreating_runs USING btree (collection_id);

-- Name: lamindb_collection_recreating_runs_run_id_71547271; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_recreating_runs_run_id_71547271 ON public.lamindb_collection_recreating_runs USING btree (run_id);

-- Name: lamindb_collection_reference_a678ee9d; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_reference_a678ee9d ON public.lamindb_collection USING btree (reference);

-- Name: lamindb_collection_reference_a678ee9d_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_reference_a678ee9d_like ON public.lamindb_collection USING btree (reference varchar_pattern_ops);

-- Name: lamindb_collection_reference_type_dca70fab; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_reference_type_dca70fab ON public.lamindb_collection USING btree (reference_type);

-- Name: lamindb_collection_reference_type_dca70fab_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_reference_type_dca70fab_like ON public.lamindb_collection USING btree (reference_type varchar_pattern_ops);

-- Name: lamindb_collection_run_id_0373eae7; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_run_id_0373eae7 ON public.lamindb_collection USING btree (run_id);

-- Name: lamindb_collection_schema_id_b35408f6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_schema_id_b35408f6 ON public.lamindb_collection USING btree (schema_id);

-- Name: lamindb_collection_space_id_671edffc; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_space_id_671edffc ON public.lamindb_collection USING btree (space_id);

-- Name: lamindb_collection_uid_887e570c_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_uid_887e570c_like ON public.lamindb_collection USING btree (uid varchar_pattern_ops);

-- Name: lamindb_collection_updated_at_6b39c1f9; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_updated_at_6b39c1f9 ON public.lamindb_collection USING btree (updated_at);

-- Name: lamindb_collection_version_tag_49218ac6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_version_tag_49218ac6 ON public.lamindb_collection USING btree (version_tag);

-- Name: lamindb_collection_version_tag_49218ac6_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collection_version_tag_49218ac6_like ON public.lamindb_collection USING btree (version_tag varchar_pattern_ops);

-- Name: lamindb_collectionartifact_artifact_id_8b9828d2; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionartifact_artifact_id_8b9828d2 ON public.lamindb_collectionartifact USING btree (artifact_id);

-- Name: lamindb_collectionartifact_collection_id_30eb3b4d; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionartifact_collection_id_30eb3b4d ON public.lamindb_collectionartifact USING btree (collection_id);

-- Name: lamindb_collectionartifact_created_at_2ed8268d; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionartifact_created_at_2ed8268d ON public.lamindb_collectionartifact USING btree (created_at);

-- Name: lamindb_collectionartifact_created_by_id_d10cd9dd; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionartifact_created_by_id_d10cd9dd ON public.lamindb_collectionartifact USING btree (created_by_id);

-- Name: lamindb_collectionartifact_run_id_c2b71caf; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionartifact_run_id_c2b71caf ON public.lamindb_collectionartifact USING btree (run_id);

-- Name: lamindb_collectionblock__status_code_18fbfbe6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock__status_code_18fbfbe6 ON public.lamindb_collectionblock USING btree (_status_code);

-- Name: lamindb_collectionblock_branch_id_d5a9a1a2; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock_branch_id_d5a9a1a2 ON public.lamindb_collectionblock USING btree (branch_id);

-- Name: lamindb_collectionblock_collection_id_35cb1593; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock_collection_id_35cb1593 ON public.lamindb_collectionblock USING btree (collection_id);

-- Name: lamindb_collectionblock_created_at_6822e544; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock_created_at_6822e544 ON public.lamindb_collectionblock USING btree (created_at);

-- Name: lamindb_collectionblock_created_by_id_03e2abf4; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock_created_by_id_03e2abf4 ON public.lamindb_collectionblock USING btree (created_by_id);

-- Name: lamindb_collectionblock_created_on_id_554fa296; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock_created_on_id_554fa296 ON public.lamindb_collectionblock USING btree (created_on_id);

-- Name: lamindb_collectionblock_hash_90539118; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock_hash_90539118 ON public.lamindb_collectionblock USING btree (hash);

-- Name: lamindb_collectionblock_hash_90539118_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock_hash_90539118_like ON public.lamindb_collectionblock USING btree (hash varchar_pattern_ops);

-- Name: lamindb_collectionblock_is_latest_15d42bc0; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock_is_latest_15d42bc0 ON public.lamindb_collectionblock USING btree (is_latest);

-- Name: lamindb_collectionblock_kind_779208f1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock_kind_779208f1 ON public.lamindb_collectionblock USING btree (kind);

-- Name: lamindb_collectionblock_kind_779208f1_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock_kind_779208f1_like ON public.lamindb_collectionblock USING btree (kind varchar_pattern_ops);

-- Name: lamindb_collectionblock_uid_4e0fff5b_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock_uid_4e0fff5b_like ON public.lamindb_collectionblock USING btree (uid varchar_pattern_ops);

-- Name: lamindb_collectionblock_version_tag_12276d37; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock_version_tag_12276d37 ON public.lamindb_collectionblock USING btree (version_tag);

-- Name: lamindb_collectionblock_version_tag_12276d37_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionblock_version_tag_12276d37_like ON public.lamindb_collectionblock USING btree (version_tag varchar_pattern_ops);

-- Name: lamindb_collectionproject_collection_id_7fd6dd7a; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionproject_collection_id_7fd6dd7a ON public.lamindb_collectionproject USING btree (collection_id);

-- Name: lamindb_collectionproject_created_at_6801c9db; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionproject_created_at_6801c9db ON public.lamindb_collectionproject USING btree (created_at);

-- Name: lamindb_collectionproject_created_by_id_d371897b; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionproject_created_by_id_d371897b ON public.lamindb_collectionproject USING btree (created_by_id);

-- Name: lamindb_collectionproject_project_id_75c68bc2; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionproject_project_id_75c68bc2 ON public.lamindb_collectionproject USING btree (project_id);

-- Name: lamindb_collectionproject_run_id_cf5d1122; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionproject_run_id_cf5d1122 ON public.lamindb_collectionproject USING btree (run_id);

-- Name: lamindb_collectionrecord_collection_id_68e0a331; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionrecord_collection_id_68e0a331 ON public.lamindb_collectionrecord USING btree (collection_id);

-- Name: lamindb_collectionrecord_created_at_9f931173; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionrecord_created_at_9f931173 ON public.lamindb_collectionrecord USING btree (created_at);

-- Name: lamindb_collectionrecord_created_by_id_86d65e01; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionrecord_created_by_id_86d65e01 ON public.lamindb_collectionrecord USING btree (created_by_id);

-- Name: lamindb_collectionrecord_feature_id_0ee2a4f6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionrecord_feature_id_0ee2a4f6 ON public.lamindb_collectionrecord USING btree (feature_id);

-- Name: lamindb_collectionrecord_record_id_a5bb2e24; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionrecord_record_id_a5bb2e24 ON public.lamindb_collectionrecord USING btree (record_id);

-- Name: lamindb_collectionrecord_run_id_1b932f4a; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionrecord_run_id_1b932f4a ON public.lamindb_collectionrecord USING btree (run_id);

-- Name: lamindb_collectionreference_collection_id_600f737e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionreference_collection_id_600f737e ON public.lamindb_collectionreference USING btree (collection_id);

-- Name: lamindb_collectionreference_created_at_1e2f8bc6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionreference_created_at_1e2f8bc6 ON public.lamindb_collectionreference USING btree (created_at);

-- Name: lamindb_collectionreference_created_by_id_c13716de; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionreference_created_by_id_c13716de ON public.lamindb_collectionreference USING btree (created_by_id);

-- Name: lamindb_collectionreference_reference_id_ebef93fd; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionreference_reference_id_ebef93fd ON public.lamindb_collectionreference USING btree (reference_id);

-- Name: lamindb_collectionreference_run_id_45292794; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionreference_run_id_45292794 ON public.lamindb_collectionreference USING btree (run_id);

-- Name: lamindb_collectionulabel_collection_id_07459fd6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionulabel_collection_id_07459fd6 ON public.lamindb_collectionulabel USING btree (collection_id);

-- Name: lamindb_collectionulabel_created_at_039c89fb; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionulabel_created_at_039c89fb ON public.lamindb_collectionulabel USING btree (created_at);

-- Name: lamindb_collectionulabel_created_by_id_9fb2214f; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionulabel_created_by_id_9fb2214f ON public.lamindb_collectionulabel USING btree (created_by_id);

-- Name: lamindb_collectionulabel_feature_id_42853224; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionulabel_feature_id_42853224 ON public.lamindb_collectionulabel USING btree (feature_id);

-- Name: lamindb_collectionulabel_run_id_2edee3be; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionulabel_run_id_2edee3be ON public.lamindb_collectionulabel USING btree (run_id);

-- Name: lamindb_collectionulabel_ulabel_id_5b43c4c6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_collectionulabel_ulabel_id_5b43c4c6 ON public.lamindb_collectionulabel USING btree (ulabel_id);

-- Name: lamindb_featureblock__status_code_9793e8bf; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock__status_code_9793e8bf ON public.lamindb_featureblock USING btree (_status_code);

-- Name: lamindb_featureblock_branch_id_24250dc1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock_branch_id_24250dc1 ON public.lamindb_featureblock USING btree (branch_id);

-- Name: lamindb_featureblock_created_at_12c08ba2; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock_created_at_12c08ba2 ON public.lamindb_featureblock USING btree (created_at);

-- Name: lamindb_featureblock_created_by_id_1d983ea2; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock_created_by_id_1d983ea2 ON public.lamindb_featureblock USING btree (created_by_id);

-- Name: lamindb_featureblock_created_on_id_21daf15c; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock_created_on_id_21daf15c ON public.lamindb_featureblock USING btree (created_on_id);

-- Name: lamindb_featureblock_feature_id_6a53ed49; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock_feature_id_6a53ed49 ON public.lamindb_featureblock USING btree (feature_id);

-- Name: lamindb_featureblock_hash_ff9a87b1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock_hash_ff9a87b1 ON public.lamindb_featureblock USING btree (hash);

-- Name: lamindb_featureblock_hash_ff9a87b1_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock_hash_ff9a87b1_like ON public.lamindb_featureblock USING btree (hash varchar_pattern_ops);

-- Name: lamindb_featureblock_is_latest_108e412a; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock_is_latest_108e412a ON public.lamindb_featureblock USING btree (is_latest);

-- Name: lamindb_featureblock_kind_4de3c518; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock_kind_4de3c518 ON public.lamindb_featureblock USING btree (kind);

-- Name: lamindb_featureblock_kind_4de3c518_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock_kind_4de3c518_like ON public.lamindb_featureblock USING btree (kind varchar_pattern_ops);

-- Name: lamindb_featureblock_uid_09f3dae9_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock_uid_09f3dae9_like ON public.lamindb_featureblock USING btree (uid varchar_pattern_ops);

-- Name: lamindb_featureblock_version_tag_e36361eb; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock_version_tag_e36361eb ON public.lamindb_featureblock USING btree (version_tag);

-- Name: lamindb_featureblock_version_tag_e36361eb_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureblock_version_tag_e36361eb_like ON public.lamindb_featureblock USING btree (version_tag varchar_pattern_ops);

-- Name: lamindb_featureproject_created_at_1a5ed19b; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureproject_created_at_1a5ed19b ON public.lamindb_featureproject USING btree (created_at);

-- Name: lamindb_featureproject_created_by_id_a1239ed7; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureproject_created_by_id_a1239ed7 ON public.lamindb_featureproject USING btree (created_by_id);

-- Name: lamindb_featureproject_feature_id_11474969; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureproject_feature_id_11474969 ON public.lamindb_featureproject USING btree (feature_id);

-- Name: lamindb_featureproject_project_id_d16c8a98; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureproject_project_id_d16c8a98 ON public.lamindb_featureproject USING btree (project_id);

-- Name: lamindb_featureproject_run_id_d622fc76; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_featureproject_run_id_d622fc76 ON public.lamindb_featureproject USING btree (run_id);

-- Name: lamindb_project__status_code_0e326572; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project__status_code_0e326572 ON public.lamindb_project USING btree (_status_code);

-- Name: lamindb_project_abbr_6c8158fa; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_abbr_6c8158fa ON public.lamindb_project USING btree (abbr);

-- Name: lamindb_project_abbr_6c8158fa_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_abbr_6c8158fa_like ON public.lamindb_project USING btree (abbr varchar_pattern_ops);

-- Name: lamindb_project_branch_id_fa5cf314; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_branch_id_fa5cf314 ON public.lamindb_project USING btree (branch_id);

-- Name: lamindb_project_created_at_05ac7e0f; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_created_at_05ac7e0f ON public.lamindb_project USING btree (created_at);

-- Name: lamindb_project_created_by_id_c8304453; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_created_by_id_c8304453 ON public.lamindb_project USING btree (created_by_id);

-- Name: lamindb_project_created_on_id_d40237be; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_created_on_id_d40237be ON public.lamindb_project USING btree (created_on_id);

-- Name: lamindb_project_is_type_8534e615; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_is_type_8534e615 ON public.lamindb_project USING btree (is_type);

-- Name: lamindb_project_name_73e9a6f0; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_name_73e9a6f0 ON public.lamindb_project USING btree (name);

-- Name: lamindb_project_name_73e9a6f0_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_name_73e9a6f0_like ON public.lamindb_project USING btree (name varchar_pattern_ops);

-- Name: lamindb_project_parents_from_project_id_39ad299d; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_parents_from_project_id_39ad299d ON public.lamindb_project_parents USING btree (from_project_id);

-- Name: lamindb_project_parents_to_project_id_371c8135; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_parents_to_project_id_371c8135 ON public.lamindb_project_parents USING btree (to_project_id);

-- Name: lamindb_project_predecessors_from_project_id_f94d8798; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_predecessors_from_project_id_f94d8798 ON public.lamindb_project_predecessors USING btree (from_project_id);

-- Name: lamindb_project_predecessors_to_project_id_e77dbb62; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_predecessors_to_project_id_e77dbb62 ON public.lamindb_project_predecessors USING btree (to_project_id);

-- Name: lamindb_project_references_project_id_c7874de1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_references_project_id_c7874de1 ON public.lamindb_project_references USING btree (project_id);

-- Name: lamindb_project_references_reference_id_e74f049f; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_references_reference_id_e74f049f ON public.lamindb_project_references USING btree (reference_id);

-- Name: lamindb_project_run_id_55a588a2; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_run_id_55a588a2 ON public.lamindb_project USING btree (run_id);

-- Name: lamindb_project_space_id_f9279df0; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_space_id_f9279df0 ON public.lamindb_project USING btree (space_id);

-- Name: lamindb_project_type_id_f8d2fc08; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_type_id_f8d2fc08 ON public.lamindb_project USING btree (type_id);

-- Name: lamindb_project_uid_f775e823_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_uid_f775e823_like ON public.lamindb_project USING btree (uid varchar_pattern_ops);

-- Name: lamindb_project_updated_at_c420e314; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_project_updated_at_c420e314 ON public.lamindb_project USING btree (updated_at);

-- Name: lamindb_projectblock__status_code_23694450; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock__status_code_23694450 ON public.lamindb_projectblock USING btree (_status_code);

-- Name: lamindb_projectblock_branch_id_661e298d; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock_branch_id_661e298d ON public.lamindb_projectblock USING btree (branch_id);

-- Name: lamindb_projectblock_created_at_8bd85840; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock_created_at_8bd85840 ON public.lamindb_projectblock USING btree (created_at);

-- Name: lamindb_projectblock_created_by_id_d970e853; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock_created_by_id_d970e853 ON public.lamindb_projectblock USING btree (created_by_id);

-- Name: lamindb_projectblock_created_on_id_21877404; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock_created_on_id_21877404 ON public.lamindb_projectblock USING btree (created_on_id);

-- Name: lamindb_projectblock_hash_3a1b70bc; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock_hash_3a1b70bc ON public.lamindb_projectblock USING btree (hash);

-- Name: lamindb_projectblock_hash_3a1b70bc_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock_hash_3a1b70bc_like ON public.lamindb_projectblock USING btree (hash varchar_pattern_ops);

-- Name: lamindb_projectblock_is_latest_06287519; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock_is_latest_06287519 ON public.lamindb_projectblock USING btree (is_latest);

-- Name: lamindb_projectblock_kind_2159ce03; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock_kind_2159ce03 ON public.lamindb_projectblock USING btree (kind);

-- Name: lamindb_projectblock_kind_2159ce03_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock_kind_2159ce03_like ON public.lamindb_projectblock USING btree (kind varchar_pattern_ops);

-- Name: lamindb_projectblock_project_id_abee1642; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock_project_id_abee1642 ON public.lamindb_projectblock USING btree (project_id);

-- Name: lamindb_projectblock_uid_33728707_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock_uid_33728707_like ON public.lamindb_projectblock USING btree (uid varchar_pattern_ops);

-- Name: lamindb_projectblock_version_tag_b17caf30; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock_version_tag_b17caf30 ON public.lamindb_projectblock USING btree (version_tag);

-- Name: lamindb_projectblock_version_tag_b17caf30_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectblock_version_tag_b17caf30_like ON public.lamindb_projectblock USING btree (version_tag varchar_pattern_ops);

-- Name: lamindb_projectrecord_created_at_d4cf7e38; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectrecord_created_at_d4cf7e38 ON public.lamindb_projectrecord USING btree (created_at);

-- Name: lamindb_projectrecord_created_by_id_69210939; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectrecord_created_by_id_69210939 ON public.lamindb_projectrecord USING btree (created_by_id);

-- Name: lamindb_projectrecord_feature_id_44471fa5; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectrecord_feature_id_44471fa5 ON public.lamindb_projectrecord USING btree (feature_id);

-- Name: lamindb_projectrecord_project_id_442bef79; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectrecord_project_id_442bef79 ON public.lamindb_projectrecord USING btree (project_id);

-- Name: lamindb_projectrecord_record_id_8d06ef05; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectrecord_record_id_8d06ef05 ON public.lamindb_projectrecord USING btree (record_id);

-- Name: lamindb_projectrecord_run_id_a1f2e2da; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectrecord_run_id_a1f2e2da ON public.lamindb_projectrecord USING btree (run_id);

-- Name: lamindb_projectuser_project_id_8fabc5d4; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectuser_project_id_8fabc5d4 ON public.lamindb_projectuser USING btree (project_id);

-- Name: lamindb_projectuser_role_da2613de; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectuser_role_da2613de ON public.lamindb_projectuser USING btree (role);

-- Name: lamindb_projectuser_role_da2613de_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectuser_role_da2613de_like ON public.lamindb_projectuser USING btree (role varchar_pattern_ops);

-- Name: lamindb_projectuser_user_id_5e829a45; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_projectuser_user_id_5e829a45 ON public.lamindb_projectuser USING btree (user_id);

-- Name: lamindb_record_branch_id_df1bf649; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_branch_id_df1bf649 ON public.lamindb_record USING btree (branch_id);

-- Name: lamindb_record_created_at_349408e6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_created_at_349408e6 ON public.lamindb_record USING btree (created_at);

-- Name: lamindb_record_created_by_id_901df711; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_created_by_id_901df711 ON public.lamindb_record USING btree (created_by_id);

-- Name: lamindb_record_created_on_id_763e6393; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_created_on_id_763e6393 ON public.lamindb_record USING btree (created_on_id);

-- Name: lamindb_record_input_of_runs_record_id_d87bec0e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_input_of_runs_record_id_d87bec0e ON public.lamindb_record_input_of_runs USING btree (record_id);

-- Name: lamindb_record_input_of_runs_run_id_9e0ec745; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_input_of_runs_run_id_9e0ec745 ON public.lamindb_record_input_of_runs USING btree (run_id);

-- Name: lamindb_record_is_type_03832d0d; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_is_type_03832d0d ON public.lamindb_record USING btree (is_type);

-- Name: lamindb_record_name_5a9e0201; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_name_5a9e0201 ON public.lamindb_record USING btree (name);

-- Name: lamindb_record_name_5a9e0201_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_name_5a9e0201_like ON public.lamindb_record USING btree (name varchar_pattern_ops);

-- Name: lamindb_record_parents_from_record_id_ef77edd9; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_parents_from_record_id_ef77edd9 ON public.lamindb_record_parents USING btree (from_record_id);

-- Name: lamindb_record_parents_to_record_id_12f749ba; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_parents_to_record_id_12f749ba ON public.lamindb_record_parents USING btree (to_record_id);

-- Name: lamindb_record_reference_0ec240d5; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_reference_0ec240d5 ON public.lamindb_record USING btree (reference);

-- Name: lamindb_record_reference_0ec240d5_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_reference_0ec240d5_like ON public.lamindb_record USING btree (reference varchar_pattern_ops);

-- Name: lamindb_record_reference_type_2f3d69e0; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_reference_type_2f3d69e0 ON public.lamindb_record USING btree (reference_type);

-- Name: lamindb_record_reference_type_2f3d69e0_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_reference_type_2f3d69e0_like ON public.lamindb_record USING btree (reference_type varchar_pattern_ops);

-- Name: lamindb_record_run_id_f1df815c; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_run_id_f1df815c ON public.lamindb_record USING btree (run_id);

-- Name: lamindb_record_schema_id_cd05808b; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_schema_id_cd05808b ON public.lamindb_record USING btree (schema_id);

-- Name: lamindb_record_space_id_ba085a6e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_space_id_ba085a6e ON public.lamindb_record USING btree (space_id);

-- Name: lamindb_record_type_id_01fc542e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_type_id_01fc542e ON public.lamindb_record USING btree (type_id);

-- Name: lamindb_record_uid_1fc7391b_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_uid_1fc7391b_like ON public.lamindb_record USING btree (uid varchar_pattern_ops);

-- Name: lamindb_record_updated_at_642229bd; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_record_updated_at_642229bd ON public.lamindb_record USING btree (updated_at);

-- Name: lamindb_recordartifact_feature_id_c3f2d3d6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordartifact_feature_id_c3f2d3d6 ON public.lamindb_recordartifact USING btree (feature_id);

-- Name: lamindb_recordartifact_record_id_a96bed19; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordartifact_record_id_a96bed19 ON public.lamindb_recordartifact USING btree (record_id);

-- Name: lamindb_recordartifact_value_id_4464da70; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordartifact_value_id_4464da70 ON public.lamindb_recordartifact USING btree (value_id);

-- Name: lamindb_recordblock__status_code_7cc8d253; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock__status_code_7cc8d253 ON public.lamindb_recordblock USING btree (_status_code);

-- Name: lamindb_recordblock_branch_id_759c8cf9; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock_branch_id_759c8cf9 ON public.lamindb_recordblock USING btree (branch_id);

-- Name: lamindb_recordblock_created_at_39ca4d8c; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock_created_at_39ca4d8c ON public.lamindb_recordblock USING btree (created_at);

-- Name: lamindb_recordblock_created_by_id_bec0236b; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock_created_by_id_bec0236b ON public.lamindb_recordblock USING btree (created_by_id);

-- Name: lamindb_recordblock_created_on_id_b2ac0820; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock_created_on_id_b2ac0820 ON public.lamindb_recordblock USING btree (created_on_id);

-- Name: lamindb_recordblock_hash_3be37cbd; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock_hash_3be37cbd ON public.lamindb_recordblock USING btree (hash);

-- Name: lamindb_recordblock_hash_3be37cbd_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock_hash_3be37cbd_like ON public.lamindb_recordblock USING btree (hash varchar_pattern_ops);

-- Name: lamindb_recordblock_is_latest_360d9ccd; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock_is_latest_360d9ccd ON public.lamindb_recordblock USING btree (is_latest);

-- Name: lamindb_recordblock_kind_04192dd5; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock_kind_04192dd5 ON public.lamindb_recordblock USING btree (kind);

-- Name: lamindb_recordblock_kind_04192dd5_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock_kind_04192dd5_like ON public.lamindb_recordblock USING btree (kind varchar_pattern_ops);

-- Name: lamindb_recordblock_record_id_6cfd8cf1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock_record_id_6cfd8cf1 ON public.lamindb_recordblock USING btree (record_id);

-- Name: lamindb_recordblock_uid_cf1f78d0_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock_uid_cf1f78d0_like ON public.lamindb_recordblock USING btree (uid varchar_pattern_ops);

-- Name: lamindb_recordblock_version_tag_792e64df; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock_version_tag_792e64df ON public.lamindb_recordblock USING btree (version_tag);

-- Name: lamindb_recordblock_version_tag_792e64df_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordblock_version_tag_792e64df_like ON public.lamindb_recordblock USING btree (version_tag varchar_pattern_ops);

-- Name: lamindb_recordcollection_feature_id_ad1794a9; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordcollection_feature_id_ad1794a9 ON public.lamindb_recordcollection USING btree (feature_id);

-- Name: lamindb_recordcollection_record_id_7cb820da; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordcollection_record_id_7cb820da ON public.lamindb_recordcollection USING btree (record_id);

-- Name: lamindb_recordcollection_value_id_6d52fd3c; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordcollection_value_id_6d52fd3c ON public.lamindb_recordcollection USING btree (value_id);

-- Name: lamindb_recordjson_feature_id_9327b5c5; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordjson_feature_id_9327b5c5 ON public.lamindb_recordjson USING btree (feature_id);

-- Name: lamindb_recordjson_record_id_09e14c27; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordjson_record_id_09e14c27 ON public.lamindb_recordjson USING btree (record_id);

-- Name: lamindb_recordproject_feature_id_c9be9dbf; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordproject_feature_id_c9be9dbf ON public.lamindb_recordproject USING btree (feature_id);

-- Name: lamindb_recordproject_record_id_0ff77dd9; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordproject_record_id_0ff77dd9 ON public.lamindb_recordproject USING btree (record_id);

-- Name: lamindb_recordproject_value_id_1388f385; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordproject_value_id_1388f385 ON public.lamindb_recordproject USING btree (value_id);

-- Name: lamindb_recordrecord_feature_id_b4ac6896; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordrecord_feature_id_b4ac6896 ON public.lamindb_recordrecord USING btree (feature_id);

-- Name: lamindb_recordrecord_record_id_2e8b4c14; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordrecord_record_id_2e8b4c14 ON public.lamindb_recordrecord USING btree (record_id);

-- Name: lamindb_recordrecord_value_id_875df4b4; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordrecord_value_id_875df4b4 ON public.lamindb_recordrecord USING btree (value_id);

-- Name: lamindb_recordreference_feature_id_5743802b; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordreference_feature_id_5743802b ON public.lamindb_recordreference USING btree (feature_id);

-- Name: lamindb_recordreference_record_id_daa9442e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordreference_record_id_daa9442e ON public.lamindb_recordreference USING btree (record_id);

-- Name: lamindb_recordreference_value_id_2f9d998e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordreference_value_id_2f9d998e ON public.lamindb_recordreference USING btree (value_id);

-- Name: lamindb_recordrun_feature_id_155c9fd4; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordrun_feature_id_155c9fd4 ON public.lamindb_recordrun USING btree (feature_id);

-- Name: lamindb_recordrun_record_id_309b174f; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordrun_record_id_309b174f ON public.lamindb_recordrun USING btree (record_id);

-- Name: lamindb_recordrun_value_id_eb7934f0; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordrun_value_id_eb7934f0 ON public.lamindb_recordrun USING btree (value_id);

-- Name: lamindb_recordtransform_feature_id_81d637e0; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordtransform_feature_id_81d637e0 ON public.lamindb_recordtransform USING btree (feature_id);

-- Name: lamindb_recordtransform_record_id_c2db8a60; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordtransform_record_id_c2db8a60 ON public.lamindb_recordtransform USING btree (record_id);

-- Name: lamindb_recordtransform_value_id_aadfd134; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordtransform_value_id_aadfd134 ON public.lamindb_recordtransform USING btree (value_id);

-- Name: lamindb_recordulabel_feature_id_c601a9eb; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordulabel_feature_id_c601a9eb ON public.lamindb_recordulabel USING btree (feature_id);

-- Name: lamindb_recordulabel_record_id_1bf7fbef; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordulabel_record_id_1bf7fbef ON public.lamindb_recordulabel USING btree (record_id);

-- Name: lamindb_recordulabel_value_id_70b71450; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recordulabel_value_id_70b71450 ON public.lamindb_recordulabel USING btree (value_id);

-- Name: lamindb_recorduser_feature_id_fc3339cb; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recorduser_feature_id_fc3339cb ON public.lamindb_recorduser USING btree (feature_id);

-- Name: lamindb_recorduser_record_id_b5265f3f; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recorduser_record_id_b5265f3f ON public.lamindb_recorduser USING btree (record_id);

-- Name: lamindb_recorduser_value_id_0f3c4cc8; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_recorduser_value_id_0f3c4cc8 ON public.lamindb_recorduser USING btree (value_id);

-- Name: lamindb_reference_abbr_79787c67; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_abbr_79787c67 ON public.lamindb_reference USING btree (abbr);

-- Name: lamindb_reference_abbr_79787c67_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_abbr_79787c67_like ON public.lamindb_reference USING btree (abbr varchar_pattern_ops);

-- Name: lamindb_reference_branch_id_3ea7424e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_branch_id_3ea7424e ON public.lamindb_reference USING btree (branch_id);

-- Name: lamindb_reference_created_at_846c0023; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_created_at_846c0023 ON public.lamindb_reference USING btree (created_at);

-- Name: lamindb_reference_created_by_id_24799aa4; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_created_by_id_24799aa4 ON public.lamindb_reference USING btree (created_by_id);

-- Name: lamindb_reference_created_on_id_032d48bd; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_created_on_id_032d48bd ON public.lamindb_reference USING btree (created_on_id);

-- Name: lamindb_reference_doi_71af95fb; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_doi_71af95fb ON public.lamindb_reference USING btree (doi);

-- Name: lamindb_reference_doi_71af95fb_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_doi_71af95fb_like ON public.lamindb_reference USING btree (doi varchar_pattern_ops);

-- Name: lamindb_reference_is_type_f5ecf3f7; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_is_type_f5ecf3f7 ON public.lamindb_reference USING btree (is_type);

-- Name: lamindb_reference_name_bc80be03; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_name_bc80be03 ON public.lamindb_reference USING btree (name);

-- Name: lamindb_reference_name_bc80be03_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_name_bc80be03_like ON public.lamindb_reference USING btree (name varchar_pattern_ops);

-- Name: lamindb_reference_pubmed_id_154c8edd; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_pubmed_id_154c8edd ON public.lamindb_reference USING btree (pubmed_id);

-- Name: lamindb_reference_run_id_357d0d28; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_run_id_357d0d28 ON public.lamindb_reference USING btree (run_id);

-- Name: lamindb_reference_space_id_6c5892c0; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_space_id_6c5892c0 ON public.lamindb_reference USING btree (space_id);

-- Name: lamindb_reference_type_id_2676c04b; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_type_id_2676c04b ON public.lamindb_reference USING btree (type_id);

-- Name: lamindb_reference_uid_2f73f5b9_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_uid_2f73f5b9_like ON public.lamindb_reference USING btree (uid varchar_pattern_ops);

-- Name: lamindb_reference_updated_at_ba53faba; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_updated_at_ba53faba ON public.lamindb_reference USING btree (updated_at);

-- Name: lamindb_reference_url_708133ff; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_url_708133ff ON public.lamindb_reference USING btree (url);

-- Name: lamindb_reference_url_708133ff_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_reference_url_708133ff_like ON public.lamindb_reference USING btree (url varchar_pattern_ops);

-- Name: lamindb_referencerecord_created_at_57f23333; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_referencerecord_created_at_57f23333 ON public.lamindb_referencerecord USING btree (created_at);

-- Name: lamindb_referencerecord_created_by_id_bb351d9c; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_referencerecord_created_by_id_bb351d9c ON public.lamindb_referencerecord USING btree (created_by_id);

-- Name: lamindb_referencerecord_feature_id_1215f3f1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_referencerecord_feature_id_1215f3f1 ON public.lamindb_referencerecord USING btree (feature_id);

-- Name: lamindb_referencerecord_record_id_7aba732e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_referencerecord_record_id_7aba732e ON public.lamindb_referencerecord USING btree (record_id);

-- Name: lamindb_referencerecord_reference_id_d07da8d6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_referencerecord_reference_id_d07da8d6 ON public.lamindb_referencerecord USING btree (reference_id);

-- Name: lamindb_referencerecord_run_id_6e2ae7d8; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_referencerecord_run_id_6e2ae7d8 ON public.lamindb_referencerecord USING btree (run_id);

-- Name: lamindb_runartifact_artifact_id_6b08957f; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runartifact_artifact_id_6b08957f ON public.lamindb_runartifact USING btree (artifact_id);

-- Name: lamindb_runartifact_feature_id_031f9a99; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runartifact_feature_id_031f9a99 ON public.lamindb_runartifact USING btree (feature_id);

-- Name: lamindb_runartifact_run_id_7d2020da; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runartifact_run_id_7d2020da ON public.lamindb_runartifact USING btree (run_id);

-- Name: lamindb_runblock__status_code_9b289cd0; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock__status_code_9b289cd0 ON public.lamindb_runblock USING btree (_status_code);

-- Name: lamindb_runblock_branch_id_7245ad33; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock_branch_id_7245ad33 ON public.lamindb_runblock USING btree (branch_id);

-- Name: lamindb_runblock_created_at_069ea3d4; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock_created_at_069ea3d4 ON public.lamindb_runblock USING btree (created_at);

-- Name: lamindb_runblock_created_by_id_e092dfbc; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock_created_by_id_e092dfbc ON public.lamindb_runblock USING btree (created_by_id);

-- Name: lamindb_runblock_created_on_id_954525d1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock_created_on_id_954525d1 ON public.lamindb_runblock USING btree (created_on_id);

-- Name: lamindb_runblock_hash_d2c9c94e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock_hash_d2c9c94e ON public.lamindb_runblock USING btree (hash);

-- Name: lamindb_runblock_hash_d2c9c94e_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock_hash_d2c9c94e_like ON public.lamindb_runblock USING btree (hash varchar_pattern_ops);

-- Name: lamindb_runblock_is_latest_e8c28906; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock_is_latest_e8c28906 ON public.lamindb_runblock USING btree (is_latest);

-- Name: lamindb_runblock_kind_bb4a09b5; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock_kind_bb4a09b5 ON public.lamindb_runblock USING btree (kind);

-- Name: lamindb_runblock_kind_bb4a09b5_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock_kind_bb4a09b5_like ON public.lamindb_runblock USING btree (kind varchar_pattern_ops);

-- Name: lamindb_runblock_run_id_4abaff71; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock_run_id_4abaff71 ON public.lamindb_runblock USING btree (run_id);

-- Name: lamindb_runblock_uid_1256e233_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock_uid_1256e233_like ON public.lamindb_runblock USING btree (uid varchar_pattern_ops);

-- Name: lamindb_runblock_version_tag_17715da9; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock_version_tag_17715da9 ON public.lamindb_runblock USING btree (version_tag);

-- Name: lamindb_runblock_version_tag_17715da9_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runblock_version_tag_17715da9_like ON public.lamindb_runblock USING btree (version_tag varchar_pattern_ops);

-- Name: lamindb_runjsonvalue_created_at_5ea1f46e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runjsonvalue_created_at_5ea1f46e ON public.lamindb_runjsonvalue USING btree (created_at);

-- Name: lamindb_runjsonvalue_created_by_id_0e53abc9; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runjsonvalue_created_by_id_0e53abc9 ON public.lamindb_runjsonvalue USING btree (created_by_id);

-- Name: lamindb_runjsonvalue_jsonvalue_id_fb0461d6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runjsonvalue_jsonvalue_id_fb0461d6 ON public.lamindb_runjsonvalue USING btree (jsonvalue_id);

-- Name: lamindb_runjsonvalue_run_id_6591d2f1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runjsonvalue_run_id_6591d2f1 ON public.lamindb_runjsonvalue USING btree (run_id);

-- Name: lamindb_runproject_created_at_d515bd94; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runproject_created_at_d515bd94 ON public.lamindb_runproject USING btree (created_at);

-- Name: lamindb_runproject_created_by_id_891558f6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runproject_created_by_id_891558f6 ON public.lamindb_runproject USING btree (created_by_id);

-- Name: lamindb_runproject_project_id_92094038; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runproject_project_id_92094038 ON public.lamindb_runproject USING btree (project_id);

-- Name: lamindb_runproject_run_id_343ad45c; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runproject_run_id_343ad45c ON public.lamindb_runproject USING btree (run_id);

-- Name: lamindb_runrecord_created_at_89298bf8; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runrecord_created_at_89298bf8 ON public.lamindb_runrecord USING btree (created_at);

-- Name: lamindb_runrecord_created_by_id_1e347561; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runrecord_created_by_id_1e347561 ON public.lamindb_runrecord USING btree (created_by_id);

-- Name: lamindb_runrecord_feature_id_d133fe80; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runrecord_feature_id_d133fe80 ON public.lamindb_runrecord USING btree (feature_id);

-- Name: lamindb_runrecord_record_id_49a81ae2; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runrecord_record_id_49a81ae2 ON public.lamindb_runrecord USING btree (record_id);

-- Name: lamindb_runrecord_run_id_e47af891; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runrecord_run_id_e47af891 ON public.lamindb_runrecord USING btree (run_id);

-- Name: lamindb_runulabel_created_at_27fbf97e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runulabel_created_at_27fbf97e ON public.lamindb_runulabel USING btree (created_at);

-- Name: lamindb_runulabel_created_by_id_fbb96cf9; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runulabel_created_by_id_fbb96cf9 ON public.lamindb_runulabel USING btree (created_by_id);

-- Name: lamindb_runulabel_run_id_70dfc4e6; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runulabel_run_id_70dfc4e6 ON public.lamindb_runulabel USING btree (run_id);

-- Name: lamindb_runulabel_ulabel_id_3145e0e5; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_runulabel_ulabel_id_3145e0e5 ON public.lamindb_runulabel USING btree (ulabel_id);

-- Name: lamindb_schemablock__status_code_6dfc32d0; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock__status_code_6dfc32d0 ON public.lamindb_schemablock USING btree (_status_code);

-- Name: lamindb_schemablock_branch_id_e1874e97; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock_branch_id_e1874e97 ON public.lamindb_schemablock USING btree (branch_id);

-- Name: lamindb_schemablock_created_at_bb6761b2; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock_created_at_bb6761b2 ON public.lamindb_schemablock USING btree (created_at);

-- Name: lamindb_schemablock_created_by_id_0781a8f7; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock_created_by_id_0781a8f7 ON public.lamindb_schemablock USING btree (created_by_id);

-- Name: lamindb_schemablock_created_on_id_d467e366; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock_created_on_id_d467e366 ON public.lamindb_schemablock USING btree (created_on_id);

-- Name: lamindb_schemablock_hash_1b32ed4b; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock_hash_1b32ed4b ON public.lamindb_schemablock USING btree (hash);

-- Name: lamindb_schemablock_hash_1b32ed4b_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock_hash_1b32ed4b_like ON public.lamindb_schemablock USING btree (hash varchar_pattern_ops);

-- Name: lamindb_schemablock_is_latest_7f6b6f02; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock_is_latest_7f6b6f02 ON public.lamindb_schemablock USING btree (is_latest);

-- Name: lamindb_schemablock_kind_7b04e540; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock_kind_7b04e540 ON public.lamindb_schemablock USING btree (kind);

-- Name: lamindb_schemablock_kind_7b04e540_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock_kind_7b04e540_like ON public.lamindb_schemablock USING btree (kind varchar_pattern_ops);

-- Name: lamindb_schemablock_schema_id_a375a61e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock_schema_id_a375a61e ON public.lamindb_schemablock USING btree (schema_id);

-- Name: lamindb_schemablock_uid_182744c3_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock_uid_182744c3_like ON public.lamindb_schemablock USING btree (uid varchar_pattern_ops);

-- Name: lamindb_schemablock_version_tag_47edbda7; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock_version_tag_47edbda7 ON public.lamindb_schemablock USING btree (version_tag);

-- Name: lamindb_schemablock_version_tag_47edbda7_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemablock_version_tag_47edbda7_like ON public.lamindb_schemablock USING btree (version_tag varchar_pattern_ops);

-- Name: lamindb_schemacomponent_component_id_08b21d28; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemacomponent_component_id_08b21d28 ON public.lamindb_schemacomponent USING btree (component_id);

-- Name: lamindb_schemacomponent_composite_id_0bbc759a; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemacomponent_composite_id_0bbc759a ON public.lamindb_schemacomponent USING btree (composite_id);

-- Name: lamindb_schemacomponent_created_at_e85753be; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemacomponent_created_at_e85753be ON public.lamindb_schemacomponent USING btree (created_at);

-- Name: lamindb_schemacomponent_created_by_id_75ec8dff; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemacomponent_created_by_id_75ec8dff ON public.lamindb_schemacomponent USING btree (created_by_id);

-- Name: lamindb_schemacomponent_run_id_59298bdc; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemacomponent_run_id_59298bdc ON public.lamindb_schemacomponent USING btree (run_id);

-- Name: lamindb_schemafeature_feature_id_449fe054; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemafeature_feature_id_449fe054 ON public.lamindb_schemafeature USING btree (feature_id);

-- Name: lamindb_schemafeature_schema_id_ac95eb5d; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemafeature_schema_id_ac95eb5d ON public.lamindb_schemafeature USING btree (schema_id);

-- Name: lamindb_schemaproject_created_at_c440ebf1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemaproject_created_at_c440ebf1 ON public.lamindb_schemaproject USING btree (created_at);

-- Name: lamindb_schemaproject_created_by_id_6f4b1b54; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemaproject_created_by_id_6f4b1b54 ON public.lamindb_schemaproject USING btree (created_by_id);

-- Name: lamindb_schemaproject_project_id_9981aa7f; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemaproject_project_id_9981aa7f ON public.lamindb_schemaproject USING btree (project_id);

-- Name: lamindb_schemaproject_run_id_e52659ce; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemaproject_run_id_e52659ce ON public.lamindb_schemaproject USING btree (run_id);

-- Name: lamindb_schemaproject_schema_id_4dd249c4; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_schemaproject_schema_id_4dd249c4 ON public.lamindb_schemaproject USING btree (schema_id);

-- Name: lamindb_spaceblock__status_code_c6e68493; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock__status_code_c6e68493 ON public.lamindb_spaceblock USING btree (_status_code);

-- Name: lamindb_spaceblock_branch_id_f0ce74ce; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock_branch_id_f0ce74ce ON public.lamindb_spaceblock USING btree (branch_id);

-- Name: lamindb_spaceblock_created_at_e38846e0; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock_created_at_e38846e0 ON public.lamindb_spaceblock USING btree (created_at);

-- Name: lamindb_spaceblock_created_by_id_252568f4; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock_created_by_id_252568f4 ON public.lamindb_spaceblock USING btree (created_by_id);

-- Name: lamindb_spaceblock_created_on_id_1c68dee0; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock_created_on_id_1c68dee0 ON public.lamindb_spaceblock USING btree (created_on_id);

-- Name: lamindb_spaceblock_hash_aa45b81f; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock_hash_aa45b81f ON public.lamindb_spaceblock USING btree (hash);

-- Name: lamindb_spaceblock_hash_aa45b81f_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock_hash_aa45b81f_like ON public.lamindb_spaceblock USING btree (hash varchar_pattern_ops);

-- Name: lamindb_spaceblock_is_latest_3b9f0834; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock_is_latest_3b9f0834 ON public.lamindb_spaceblock USING btree (is_latest);

-- Name: lamindb_spaceblock_kind_41415d4c; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock_kind_41415d4c ON public.lamindb_spaceblock USING btree (kind);

-- Name: lamindb_spaceblock_kind_41415d4c_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock_kind_41415d4c_like ON public.lamindb_spaceblock USING btree (kind varchar_pattern_ops);

-- Name: lamindb_spaceblock_space_id_78889e95; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock_space_id_78889e95 ON public.lamindb_spaceblock USING btree (space_id);

-- Name: lamindb_spaceblock_uid_fc508f00_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock_uid_fc508f00_like ON public.lamindb_spaceblock USING btree (uid varchar_pattern_ops);

-- Name: lamindb_spaceblock_version_tag_4af9c3d9; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock_version_tag_4af9c3d9 ON public.lamindb_spaceblock USING btree (version_tag);

-- Name: lamindb_spaceblock_version_tag_4af9c3d9_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_spaceblock_version_tag_4af9c3d9_like ON public.lamindb_spaceblock USING btree (version_tag varchar_pattern_ops);

-- Name: lamindb_transformblock__status_code_83a9e90d; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock__status_code_83a9e90d ON public.lamindb_transformblock USING btree (_status_code);

-- Name: lamindb_transformblock_branch_id_35352c97; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock_branch_id_35352c97 ON public.lamindb_transformblock USING btree (branch_id);

-- Name: lamindb_transformblock_created_at_26775819; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock_created_at_26775819 ON public.lamindb_transformblock USING btree (created_at);

-- Name: lamindb_transformblock_created_by_id_70ae5f88; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock_created_by_id_70ae5f88 ON public.lamindb_transformblock USING btree (created_by_id);

-- Name: lamindb_transformblock_created_on_id_09216d19; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock_created_on_id_09216d19 ON public.lamindb_transformblock USING btree (created_on_id);

-- Name: lamindb_transformblock_hash_a97b9330; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock_hash_a97b9330 ON public.lamindb_transformblock USING btree (hash);

-- Name: lamindb_transformblock_hash_a97b9330_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock_hash_a97b9330_like ON public.lamindb_transformblock USING btree (hash varchar_pattern_ops);

-- Name: lamindb_transformblock_is_latest_31f2f381; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock_is_latest_31f2f381 ON public.lamindb_transformblock USING btree (is_latest);

-- Name: lamindb_transformblock_kind_d8aeccbf; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock_kind_d8aeccbf ON public.lamindb_transformblock USING btree (kind);

-- Name: lamindb_transformblock_kind_d8aeccbf_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock_kind_d8aeccbf_like ON public.lamindb_transformblock USING btree (kind varchar_pattern_ops);

-- Name: lamindb_transformblock_transform_id_63cde4b3; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock_transform_id_63cde4b3 ON public.lamindb_transformblock USING btree (transform_id);

-- Name: lamindb_transformblock_uid_650561ff_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock_uid_650561ff_like ON public.lamindb_transformblock USING btree (uid varchar_pattern_ops);

-- Name: lamindb_transformblock_version_tag_b8c76da5; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock_version_tag_b8c76da5 ON public.lamindb_transformblock USING btree (version_tag);

-- Name: lamindb_transformblock_version_tag_b8c76da5_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformblock_version_tag_b8c76da5_like ON public.lamindb_transformblock USING btree (version_tag varchar_pattern_ops);

-- Name: lamindb_transformproject_created_at_3f0477cb; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformproject_created_at_3f0477cb ON public.lamindb_transformproject USING btree (created_at);

-- Name: lamindb_transformproject_created_by_id_b88a554e; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformproject_created_by_id_b88a554e ON public.lamindb_transformproject USING btree (created_by_id);

-- Name: lamindb_transformproject_project_id_a1edab1b; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformproject_project_id_a1edab1b ON public.lamindb_transformproject USING btree (project_id);

-- Name: lamindb_transformproject_run_id_3e898831; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformproject_run_id_3e898831 ON public.lamindb_transformproject USING btree (run_id);

-- Name: lamindb_transformproject_transform_id_9438c789; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformproject_transform_id_9438c789 ON public.lamindb_transformproject USING btree (transform_id);

-- Name: lamindb_transformrecord_created_by_id_ebcd7ce1; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformrecord_created_by_id_ebcd7ce1 ON public.lamindb_transformrecord USING btree (created_by_id);

-- Name: lamindb_transformrecord_feature_id_e59e2875; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformrecord_feature_id_e59e2875 ON public.lamindb_transformrecord USING btree (feature_id);

-- Name: lamindb_transformrecord_record_id_73bd7504; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformrecord_record_id_73bd7504 ON public.lamindb_transformrecord USING btree (record_id);

-- Name: lamindb_transformrecord_run_id_4248288a; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformrecord_run_id_4248288a ON public.lamindb_transformrecord USING btree (run_id);

-- Name: lamindb_transformrecord_transform_id_20a0ff25; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformrecord_transform_id_20a0ff25 ON public.lamindb_transformrecord USING btree (transform_id);

-- Name: lamindb_transformreference_created_at_cd4969b5; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformreference_created_at_cd4969b5 ON public.lamindb_transformreference USING btree (created_at);

-- Name: lamindb_transformreference_created_by_id_4413de6d; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformreference_created_by_id_4413de6d ON public.lamindb_transformreference USING btree (created_by_id);

-- Name: lamindb_transformreference_reference_id_75c5e433; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformreference_reference_id_75c5e433 ON public.lamindb_transformreference USING btree (reference_id);

-- Name: lamindb_transformreference_run_id_dddce3ee; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformreference_run_id_dddce3ee ON public.lamindb_transformreference USING btree (run_id);

-- Name: lamindb_transformreference_transform_id_cdb5a524; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformreference_transform_id_cdb5a524 ON public.lamindb_transformreference USING btree (transform_id);

-- Name: lamindb_transformtransform_created_at_a1be5e6b; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformtransform_created_at_a1be5e6b ON public.lamindb_transformtransform USING btree (created_at);

-- Name: lamindb_transformtransform_created_by_id_33dde3a3; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformtransform_created_by_id_33dde3a3 ON public.lamindb_transformtransform USING btree (created_by_id);

-- Name: lamindb_transformtransform_predecessor_id_f85d9400; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformtransform_predecessor_id_f85d9400 ON public.lamindb_transformtransform USING btree (predecessor_id);

-- Name: lamindb_transformtransform_run_id_c2d5e57b; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformtransform_run_id_c2d5e57b ON public.lamindb_transformtransform USING btree (run_id);

-- Name: lamindb_transformtransform_successor_id_003ada9c; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformtransform_successor_id_003ada9c ON public.lamindb_transformtransform USING btree (successor_id);

-- Name: lamindb_transformulabel_created_at_cd6e02e7; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformulabel_created_at_cd6e02e7 ON public.lamindb_transformulabel USING btree (created_at);

-- Name: lamindb_transformulabel_created_by_id_eb78544f; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformulabel_created_by_id_eb78544f ON public.lamindb_transformulabel USING btree (created_by_id);

-- Name: lamindb_transformulabel_run_id_27f0f87b; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformulabel_run_id_27f0f87b ON public.lamindb_transformulabel USING btree (run_id);

-- Name: lamindb_transformulabel_transform_id_cadbf06a; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformulabel_transform_id_cadbf06a ON public.lamindb_transformulabel USING btree (transform_id);

-- Name: lamindb_transformulabel_ulabel_id_ef94919f; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_transformulabel_ulabel_id_ef94919f ON public.lamindb_transformulabel USING btree (ulabel_id);

-- Name: lamindb_ulabelblock__status_code_a20886e4; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock__status_code_a20886e4 ON public.lamindb_ulabelblock USING btree (_status_code);

-- Name: lamindb_ulabelblock_branch_id_18976d90; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock_branch_id_18976d90 ON public.lamindb_ulabelblock USING btree (branch_id);

-- Name: lamindb_ulabelblock_created_at_41149645; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock_created_at_41149645 ON public.lamindb_ulabelblock USING btree (created_at);

-- Name: lamindb_ulabelblock_created_by_id_1665e1df; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock_created_by_id_1665e1df ON public.lamindb_ulabelblock USING btree (created_by_id);

-- Name: lamindb_ulabelblock_created_on_id_98ebc071; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock_created_on_id_98ebc071 ON public.lamindb_ulabelblock USING btree (created_on_id);

-- Name: lamindb_ulabelblock_hash_5ce62026; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock_hash_5ce62026 ON public.lamindb_ulabelblock USING btree (hash);

-- Name: lamindb_ulabelblock_hash_5ce62026_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock_hash_5ce62026_like ON public.lamindb_ulabelblock USING btree (hash varchar_pattern_ops);

-- Name: lamindb_ulabelblock_is_latest_1b964371; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock_is_latest_1b964371 ON public.lamindb_ulabelblock USING btree (is_latest);

-- Name: lamindb_ulabelblock_kind_b4380800; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock_kind_b4380800 ON public.lamindb_ulabelblock USING btree (kind);

-- Name: lamindb_ulabelblock_kind_b4380800_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock_kind_b4380800_like ON public.lamindb_ulabelblock USING btree (kind varchar_pattern_ops);

-- Name: lamindb_ulabelblock_uid_81798043_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock_uid_81798043_like ON public.lamindb_ulabelblock USING btree (uid varchar_pattern_ops);

-- Name: lamindb_ulabelblock_ulabel_id_cd472ae4; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock_ulabel_id_cd472ae4 ON public.lamindb_ulabelblock USING btree (ulabel_id);

-- Name: lamindb_ulabelblock_version_tag_cda2ab80; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock_version_tag_cda2ab80 ON public.lamindb_ulabelblock USING btree (version_tag);

-- Name: lamindb_ulabelblock_version_tag_cda2ab80_like; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelblock_version_tag_cda2ab80_like ON public.lamindb_ulabelblock USING btree (version_tag varchar_pattern_ops);

-- Name: lamindb_ulabelproject_created_at_7c9f0220; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelproject_created_at_7c9f0220 ON public.lamindb_ulabelproject USING btree (created_at);

-- Name: lamindb_ulabelproject_created_by_id_3e56e597; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelproject_created_by_id_3e56e597 ON public.lamindb_ulabelproject USING btree (created_by_id);

-- Name: lamindb_ulabelproject_project_id_1821e884; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelproject_project_id_1821e884 ON public.lamindb_ulabelproject USING btree (project_id);

-- Name: lamindb_ulabelproject_run_id_37a5399d; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelproject_run_id_37a5399d ON public.lamindb_ulabelproject USING btree (run_id);

-- Name: lamindb_ulabelproject_ulabel_id_c2d48b16; Type: INDEX; Schema: public; Owner: -
CREATE INDEX lamindb_ulabelproject_ulabel_id_c2d48b16 ON public.lamindb_ulabelproject USING btree (ulabel_id);

-- Name: unique_artifactartifact; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_artifactartifact ON public.lamindb_artifactartifact USING btree (artifact_id, value_id, feature_id) WHERE (feature_id IS NOT NULL);

-- Name: unique_artifactartifact_null_feature; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_artifactartifact_null_feature ON public.lamindb_artifactartifact USING btree (artifact_id, value_id) WHERE (feature_id IS NULL);

-- Name: unique_artifactproject; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_artifactproject ON public.lamindb_artifactproject USING btree (artifact_id, project_id, feature_id) WHERE (feature_id IS NOT NULL);

-- Name: unique_artifactproject_null_feature; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_artifactproject_null_feature ON public.lamindb_artifactproject USING btree (artifact_id, project_id) WHERE (feature_id IS NULL);

-- Name: unique_artifactrecord; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_artifactrecord ON public.lamindb_artifactrecord USING btree (artifact_id, record_id, feature_id) WHERE (feature_id IS NOT NULL);

-- Name: unique_artifactrecord_null_feature; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_artifactrecord_null_feature ON public.lamindb_artifactrecord USING btree (artifact_id, record_id) WHERE (feature_id IS NULL);

-- Name: unique_artifactreference; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_artifactreference ON public.lamindb_artifactreference USING btree (artifact_id, reference_id, feature_id) WHERE (feature_id IS NOT NULL);

-- Name: unique_artifactreference_null_feature; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_artifactreference_null_feature ON public.lamindb_artifactreference USING btree (artifact_id, reference_id) WHERE (feature_id IS NULL);

-- Name: unique_artifactrun; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_artifactrun ON public.lamindb_artifactrun USING btree (artifact_id, run_id, feature_id) WHERE (feature_id IS NOT NULL);

-- Name: unique_artifactrun_null_feature; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_artifactrun_null_feature ON public.lamindb_artifactrun USING btree (artifact_id, run_id) WHERE (feature_id IS NULL);

-- Name: unique_artifactuser; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_artifactuser ON public.lamindb_artifactuser USING btree (artifact_id, user_id, feature_id) WHERE (feature_id IS NOT NULL);

-- Name: unique_artifactuser_null_feature; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_artifactuser_null_feature ON public.lamindb_artifactuser USING btree (artifact_id, user_id) WHERE (feature_id IS NULL);

-- Name: unique_collectionrecord; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_collectionrecord ON public.lamindb_collectionrecord USING btree (collection_id, record_id, feature_id) WHERE (feature_id IS NOT NULL);

-- Name: unique_collectionrecord_null_feature; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_collectionrecord_null_feature ON public.lamindb_collectionrecord USING btree (collection_id, record_id) WHERE (feature_id IS NULL);

-- Name: unique_projectrecord; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_projectrecord ON public.lamindb_projectrecord USING btree (project_id, feature_id, record_id) WHERE (feature_id IS NOT NULL);

-- Name: unique_projectrecord_null_feature; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_projectrecord_null_feature ON public.lamindb_projectrecord USING btree (project_id, record_id) WHERE (feature_id IS NULL);

-- Name: unique_referencerecord; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_referencerecord ON public.lamindb_referencerecord USING btree (reference_id, feature_id, record_id) WHERE (feature_id IS NOT NULL);

-- Name: unique_referencerecord_null_feature; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_referencerecord_null_feature ON public.lamindb_referencerecord USING btree (reference_id, record_id) WHERE (feature_id IS NULL);

-- Name: unique_runartifact; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_runartifact ON public.lamindb_runartifact USING btree (run_id, artifact_id, feature_id) WHERE (feature_id IS NOT NULL);

-- Name: unique_runartifact_null_feature; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_runartifact_null_feature ON public.lamindb_runartifact USING btree (run_id, artifact_id) WHERE (feature_id IS NULL);

-- Name: unique_runrecord; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_runrecord ON public.lamindb_runrecord USING btree (run_id, record_id, feature_id) WHERE (feature_id IS NOT NULL);

-- Name: unique_runrecord_null_feature; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_runrecord_null_feature ON public.lamindb_runrecord USING btree (run_id, record_id) WHERE (feature_id IS NULL);

-- Name: unique_transformrecord; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_transformrecord ON public.lamindb_transformrecord USING btree (transform_id, record_id, feature_id) WHERE (feature_id IS NOT NULL);

-- Name: unique_transformrecord_null_feature; Type: INDEX; Schema: public; Owner: -
CREATE UNIQUE INDEX unique_transformrecord_null_feature ON public.lamindb_transformrecord USING btree (transform_id, record_id) WHERE (feature_id IS NULL);

-- Name: lamindb_feature pgtrigger_prevent_feature_type_cycle_04c90; Type: TRIGGER; Schema: public; Owner: -
CREATE TRIGGER pgtrigger_prevent_feature_type_cycle_04c90 BEFORE INSERT OR UPDATE ON public.lamindb_feature FOR EACH ROW WHEN ((new.type_id IS NOT NULL)) EXECUTE FUNCTION public.pgtrigger_prevent_feature_type_cycle_04c90();

-- Name: TRIGGER pgtrigger_prevent_feature_type_cycle_04c90 ON lamindb_feature; Type: COMMENT; Schema: public; Owner: -
COMMENT ON TRIGGER pgtrigger_prevent_feature_type_cycle_04c90 ON public.lamindb_feature IS 'be9a630e2ee899846cfe5fcabd64234be4e301db';

-- Name: lamindb_project pgtrigger_prevent_project_type_cycle_e2567; Type: TRIGGER; Schema: public; Owner: -
CREATE TRIGGER pgtrigger_prevent_project_type_cycle_e2567 BEFORE INSERT OR UPDATE ON public.lamindb_project FOR EACH ROW WHEN ((new.type_id IS NOT NULL)) EXECUTE FUNCTION public.pgtrigger_prevent_project_type_cycle_e2567();

-- Name: TRIGGER pgtrigger_prevent_project_type_cycle_e2567 ON lamindb_project; Type: COMMENT; Schema: public; Owner: -
COMMENT ON TRIGGER pgtrigger_prevent_project_type_cycle_e2567 ON public.lamindb_project IS 'b5b62fdec9b222bc152c2b9937a2676fb653696f';

-- Name: lamindb_record pgtrigger_prevent_record_type_cycle_56c18; Type: TRIGGER; Schema: public; Owner: -
CREATE TRIGGER pgtrigger_prevent_record_type_cycle_56c18 BEFORE INSERT OR UPDATE ON public.lamindb_record FOR EACH ROW WHEN ((new.type_id IS NOT NULL)) EXECUTE FUNCTION public.pgtrigger_prevent_record_type_cycle_56c18();

-- Name: TRIGGER pgtrigger_prevent_record_type_cycle_56c18 ON lamindb_record; Type: COMMENT; Schema: public; Owner: -
COMMENT ON TRIGGER pgtrigger_prevent_record_type_cycle_56c18 ON public.lamindb_record IS '4f692c1cc71b0554090ffd4642811a52c6b9941e';

-- Name: lamindb_reference pgtrigger_prevent_reference_type_cycle_3d37c; Type: TRIGGER; Schema: public; Owner: -
CREATE TRIGGER pgtrigger_prevent_reference_type_cycle_3d37c BEFORE INSERT OR UPDATE ON public.lamindb_reference FOR EACH ROW WHEN ((new.type_id IS NOT NULL)) EXECUTE FUNCTION public.pgtrigger_prevent_reference_type_cycle_3d37c();

-- Name: TRIGGER pgtrigger_prevent_reference_type_cycle_3d37c ON lamindb_reference; Type: COMMENT; Schema: public; Owner: -
COMMENT ON TRIGGER pgtrigger_prevent_reference_type_cycle_3d37c ON public.lamindb_reference IS '94bc5e7968664022914905d7390a6935b66b3402';

-- Name: lamindb_schema pgtrigger_prevent_schema_type_cycle_b403c; Type: TRIGGER; Schema: public; Owner: -
CREATE TRIGGER pgtrigger_prevent_schema_type_cycle_b403c BEFORE INSERT OR UPDATE ON public.lamindb_schema FOR EACH ROW WHEN ((new.type_id IS NOT NULL)) EXECUTE FUNCTION public.pgtrigger_prevent_schema_type_cycle_b403c();

-- Name: TRIGGER pgtrigger_prevent_schema_type_cycle_b403c ON lamindb_schema; Type: COMMENT; Schema: public; Owner: -
COMMENT ON TRIGGER pgtrigger_prevent_schema_type_cycle_b403c ON public.lamindb_schema IS '7f860952cef18f2151e46d0120b5aafdebdbd2be';

-- Name: lamindb_ulabel pgtrigger_prevent_ulabel_type_cycle_863ae; Type: TRIGGER; Schema: public; Owner: -
CREATE TRIGGER pgtrigger_prevent_ulabel_type_cycle_863ae BEFORE INSERT OR UPDATE ON public.lamindb_ulabel FOR EACH ROW WHEN ((new.type_id IS NOT NULL)) EXECUTE FUNCTION public.pgtrigger_prevent_ulabel_type_cycle_863ae();

-- Name: TRIGGER pgtrigger_prevent_ulabel_type_cycle_863ae ON lamindb_ulabel; Type: COMMENT; Schema: public; Owner: -
COMMENT ON TRIGGER pgtrigger_prevent_ulabel_type_cycle_863ae ON public.lamindb_ulabel IS '13b2acbebf74a7e04a66723a353d1ab7a2c4c1ad';

-- Name: lamindb_feature pgtrigger_update_feature_on_name_change_6c32d; Type: TRIGGER; Schema: public; Owner: -
CREATE TRIGGER pgtrigger_update_feature_on_name_change_6c32d BEFORE UPDATE ON public.lamindb_feature FOR EACH ROW WHEN (((old.name)::text IS DISTINCT FROM (new.name)::text)) EXECUTE FUNCTION public.pgtrigger_update_feature_on_name_change_6c32d();

-- Name: TRIGGER pgtrigger_update_feature_on_name_change_6c32d ON lamindb_feature; Type: COMMENT; Schema: public; Owner: -
COMMENT ON TRIGGER pgtrigger_update_feature_on_name_change_6c32d ON public.lamindb_feature IS '5f2e7a65e42c34b0455f0840def52f078726e401';

-- Name: lamindb_artifact__actions lamindb_artifact__ac_from_artifact_id_cbf9b9e8_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifact__actions
    ADD CONSTRAINT lamindb_artifact__ac_from_artifact_id_cbf9b9e8_fk_lamindb_a FOREIGN KEY (from_artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifact__actions lamindb_artifact__ac_to_artifact_id_df2c7b20_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifact__actions
    ADD CONSTRAINT lamindb_artifact__ac_to_artifact_id_df2c7b20_fk_lamindb_a FOREIGN KEY (to_artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifact_input_of_runs lamindb_artifact_inp_artifact_id_2b7beb71_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifact_input_of_runs
    ADD CONSTRAINT lamindb_artifact_inp_artifact_id_2b7beb71_fk_lamindb_a FOREIGN KEY (artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifact_input_of_runs lamindb_artifact_inp_run_id_36206841_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifact_input_of_runs
    ADD CONSTRAINT lamindb_artifact_inp_run_id_36206841_fk_lamindb_r FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifact_recreating_runs lamindb_artifact_rec_artifact_id_fe466288_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifact_recreating_runs
    ADD CONSTRAINT lamindb_artifact_rec_artifact_id_fe466288_fk_lamindb_a FOREIGN KEY (artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifact_recreating_runs lamindb_artifact_rec_run_id_0929921c_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifact_recreating_runs
    ADD CONSTRAINT lamindb_artifact_rec_run_id_0929921c_fk_lamindb_r FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactartifact lamindb_artifactarti_artifact_id_8036a608_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactartifact
    ADD CONSTRAINT lamindb_artifactarti_artifact_id_8036a608_fk_lamindb_a FOREIGN KEY (artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactartifact lamindb_artifactarti_created_by_id_c29ca22c_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactartifact
    ADD CONSTRAINT lamindb_artifactarti_created_by_id_c29ca22c_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactartifact lamindb_artifactarti_feature_id_441aacda_fk_lamindb_f; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactartifact
    ADD CONSTRAINT lamindb_artifactarti_feature_id_441aacda_fk_lamindb_f FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactartifact lamindb_artifactarti_value_id_5e9cbbe7_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactartifact
    ADD CONSTRAINT lamindb_artifactarti_value_id_5e9cbbe7_fk_lamindb_a FOREIGN KEY (value_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactartifact lamindb_artifactartifact_run_id_99bb534a_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactartifact
    ADD CONSTRAINT lamindb_artifactartifact_run_id_99bb534a_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactblock lamindb_artifactbloc_artifact_id_f86bee57_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactblock
    ADD CONSTRAINT lamindb_artifactbloc_artifact_id_f86bee57_fk_lamindb_a FOREIGN KEY (artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactblock lamindb_artifactbloc_created_on_id_4c495472_fk_lamindb_b; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactblock
    ADD CONSTRAINT lamindb_artifactbloc_created_on_id_4c495472_fk_lamindb_b FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactblock lamindb_artifactblock_branch_id_9cdc9299_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactblock
    ADD CONSTRAINT lamindb_artifactblock_branch_id_9cdc9299_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactblock lamindb_artifactblock_created_by_id_1f430795_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactblock
    ADD CONSTRAINT lamindb_artifactblock_created_by_id_1f430795_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactproject lamindb_artifactproj_artifact_id_b448a334_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactproject
    ADD CONSTRAINT lamindb_artifactproj_artifact_id_b448a334_fk_lamindb_a FOREIGN KEY (artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactproject lamindb_artifactproj_created_by_id_7e83aa91_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactproject
    ADD CONSTRAINT lamindb_artifactproj_created_by_id_7e83aa91_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactproject lamindb_artifactproj_feature_id_9c4bd32c_fk_lamindb_f; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactproject
    ADD CONSTRAINT lamindb_artifactproj_feature_id_9c4bd32c_fk_lamindb_f FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactproject lamindb_artifactproj_project_id_b016e592_fk_lamindb_p; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactproject
    ADD CONSTRAINT lamindb_artifactproj_project_id_b016e592_fk_lamindb_p FOREIGN KEY (project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactproject lamindb_artifactproject_run_id_25b0ba7e_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactproject
    ADD CONSTRAINT lamindb_artifactproject_run_id_25b0ba7e_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactrecord lamindb_artifactreco_artifact_id_ec1b1b2e_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactrecord
    ADD CONSTRAINT lamindb_artifactreco_artifact_id_ec1b1b2e_fk_lamindb_a FOREIGN KEY (artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactrecord lamindb_artifactreco_created_by_id_d60b6ee6_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactrecord
    ADD CONSTRAINT lamindb_artifactreco_created_by_id_d60b6ee6_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactrecord lamindb_artifactreco_feature_id_8247af63_fk_lamindb_f; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactrecord
    ADD CONSTRAINT lamindb_artifactreco_feature_id_8247af63_fk_lamindb_f FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactrecord lamindb_artifactrecord_record_id_e6b7a0ef_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactrecord
    ADD CONSTRAINT lamindb_artifactrecord_record_id_e6b7a0ef_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactrecord lamindb_artifactrecord_run_id_8595deb5_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactrecord
    ADD CONSTRAINT lamindb_artifactrecord_run_id_8595deb5_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactreference lamindb_artifactrefe_artifact_id_f9703eae_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactreference
    ADD CONSTRAINT lamindb_artifactrefe_artifact_id_f9703eae_fk_lamindb_a FOREIGN KEY (artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactreference lamindb_artifactrefe_created_by_id_92148277_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactreference
    ADD CONSTRAINT lamindb_artifactrefe_created_by_id_92148277_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactreference lamindb_artifactrefe_feature_id_6bae8538_fk_lamindb_f; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactreference
    ADD CONSTRAINT lamindb_artifactrefe_feature_id_6bae8538_fk_lamindb_f FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactreference lamindb_artifactrefe_reference_id_1a6f9541_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactreference
    ADD CONSTRAINT lamindb_artifactrefe_reference_id_1a6f9541_fk_lamindb_r FOREIGN KEY (reference_id) REFERENCES public.lamindb_reference(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactreference lamindb_artifactreference_run_id_75c00bb2_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactreference
    ADD CONSTRAINT lamindb_artifactreference_run_id_75c00bb2_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactrun lamindb_artifactrun_artifact_id_e3abfceb_fk_lamindb_artifact_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactrun
    ADD CONSTRAINT lamindb_artifactrun_artifact_id_e3abfceb_fk_lamindb_artifact_id FOREIGN KEY (artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactrun lamindb_artifactrun_created_by_id_4d21c517_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactrun
    ADD CONSTRAINT lamindb_artifactrun_created_by_id_4d21c517_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactrun lamindb_artifactrun_feature_id_ef040e57_fk_lamindb_feature_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactrun
    ADD CONSTRAINT lamindb_artifactrun_feature_id_ef040e57_fk_lamindb_feature_id FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactrun lamindb_artifactrun_run_id_a1bc3116_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactrun
    ADD CONSTRAINT lamindb_artifactrun_run_id_a1bc3116_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactschema lamindb_artifactsche_artifact_id_e3a5044b_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactschema
    ADD CONSTRAINT lamindb_artifactsche_artifact_id_e3a5044b_fk_lamindb_a FOREIGN KEY (artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactschema lamindb_artifactsche_created_by_id_4190cc8d_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactschema
    ADD CONSTRAINT lamindb_artifactsche_created_by_id_4190cc8d_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactschema lamindb_artifactschema_run_id_364cced8_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactschema
    ADD CONSTRAINT lamindb_artifactschema_run_id_364cced8_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactschema lamindb_artifactschema_schema_id_c5ac72f0_fk_lamindb_schema_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactschema
    ADD CONSTRAINT lamindb_artifactschema_schema_id_c5ac72f0_fk_lamindb_schema_id FOREIGN KEY (schema_id) REFERENCES public.lamindb_schema(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactuser lamindb_artifactuser_artifact_id_e44f7088_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactuser
    ADD CONSTRAINT lamindb_artifactuser_artifact_id_e44f7088_fk_lamindb_a FOREIGN KEY (artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactuser lamindb_artifactuser_created_by_id_5e3f4988_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactuser
    ADD CONSTRAINT lamindb_artifactuser_created_by_id_5e3f4988_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactuser lamindb_artifactuser_feature_id_6701b659_fk_lamindb_feature_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactuser
    ADD CONSTRAINT lamindb_artifactuser_feature_id_6701b659_fk_lamindb_feature_id FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactuser lamindb_artifactuser_run_id_17a6a47a_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactuser
    ADD CONSTRAINT lamindb_artifactuser_run_id_17a6a47a_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_artifactuser lamindb_artifactuser_user_id_63bb1488_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_artifactuser
    ADD CONSTRAINT lamindb_artifactuser_user_id_63bb1488_fk_lamindb_user_id FOREIGN KEY (user_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_block lamindb_block_anchor_id_818f0184_fk_lamindb_block_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_block
    ADD CONSTRAINT lamindb_block_anchor_id_818f0184_fk_lamindb_block_id FOREIGN KEY (anchor_id) REFERENCES public.lamindb_block(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_block lamindb_block_branch_id_c24250c7_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_block
    ADD CONSTRAINT lamindb_block_branch_id_c24250c7_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_block lamindb_block_created_by_id_8b175ba1_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_block
    ADD CONSTRAINT lamindb_block_created_by_id_8b175ba1_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_block lamindb_block_created_on_id_cff74ef4_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_block
    ADD CONSTRAINT lamindb_block_created_on_id_cff74ef4_fk_lamindb_branch_id FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_block lamindb_block_space_id_5fff7e52_fk_lamindb_space_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_block
    ADD CONSTRAINT lamindb_block_space_id_5fff7e52_fk_lamindb_space_id FOREIGN KEY (space_id) REFERENCES public.lamindb_space(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_blockproject lamindb_blockproject_block_id_b7192334_fk_lamindb_block_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_blockproject
    ADD CONSTRAINT lamindb_blockproject_block_id_b7192334_fk_lamindb_block_id FOREIGN KEY (block_id) REFERENCES public.lamindb_block(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_blockproject lamindb_blockproject_created_by_id_91b1d6b3_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_blockproject
    ADD CONSTRAINT lamindb_blockproject_created_by_id_91b1d6b3_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_blockproject lamindb_blockproject_project_id_f0f4b281_fk_lamindb_project_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_blockproject
    ADD CONSTRAINT lamindb_blockproject_project_id_f0f4b281_fk_lamindb_project_id FOREIGN KEY (project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_blockproject lamindb_blockproject_run_id_dfa75a80_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_blockproject
    ADD CONSTRAINT lamindb_blockproject_run_id_dfa75a80_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_branchblock lamindb_branchblock_branch_id_b91c49e9_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchblock
    ADD CONSTRAINT lamindb_branchblock_branch_id_b91c49e9_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_branchblock lamindb_branchblock_created_by_id_9d3d1857_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchblock
    ADD CONSTRAINT lamindb_branchblock_created_by_id_9d3d1857_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_branchproject lamindb_branchproject_branch_id_cba4e7e7_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchproject
    ADD CONSTRAINT lamindb_branchproject_branch_id_cba4e7e7_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_branchproject lamindb_branchproject_project_id_35e3d1c5_fk_lamindb_project_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchproject
    ADD CONSTRAINT lamindb_branchproject_project_id_35e3d1c5_fk_lamindb_project_id FOREIGN KEY (project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_branchulabel lamindb_branchulabel_branch_id_fbbc62a2_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchulabel
    ADD CONSTRAINT lamindb_branchulabel_branch_id_fbbc62a2_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_branchulabel lamindb_branchulabel_ulabel_id_31684525_fk_lamindb_ulabel_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchulabel
    ADD CONSTRAINT lamindb_branchulabel_ulabel_id_31684525_fk_lamindb_ulabel_id FOREIGN KEY (ulabel_id) REFERENCES public.lamindb_ulabel(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_branchuser lamindb_branchuser_branch_id_d96313ea_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchuser
    ADD CONSTRAINT lamindb_branchuser_branch_id_d96313ea_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_branchuser lamindb_branchuser_user_id_335c8370_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_branchuser
    ADD CONSTRAINT lamindb_branchuser_user_id_335c8370_fk_lamindb_user_id FOREIGN KEY (user_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collection__actions lamindb_collection___artifact_id_bde1e790_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection__actions
    ADD CONSTRAINT lamindb_collection___artifact_id_bde1e790_fk_lamindb_a FOREIGN KEY (artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collection__actions lamindb_collection___collection_id_c3aa15bd_fk_lamindb_c; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection__actions
    ADD CONSTRAINT lamindb_collection___collection_id_c3aa15bd_fk_lamindb_c FOREIGN KEY (collection_id) REFERENCES public.lamindb_collection(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collection lamindb_collection_branch_id_7ae80524_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection
    ADD CONSTRAINT lamindb_collection_branch_id_7ae80524_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collection lamindb_collection_created_by_id_85a76266_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection
    ADD CONSTRAINT lamindb_collection_created_by_id_85a76266_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collection lamindb_collection_created_on_id_3af76331_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection
    ADD CONSTRAINT lamindb_collection_created_on_id_3af76331_fk_lamindb_branch_id FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collection_input_of_runs lamindb_collection_i_collection_id_0710a0e9_fk_lamindb_c; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection_input_of_runs
    ADD CONSTRAINT lamindb_collection_i_collection_id_0710a0e9_fk_lamindb_c FOREIGN KEY (collection_id) REFERENCES public.lamindb_collection(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collection_input_of_runs lamindb_collection_i_run_id_34421496_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection_input_of_runs
    ADD CONSTRAINT lamindb_collection_i_run_id_34421496_fk_lamindb_r FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collection lamindb_collection_meta_artifact_id_0e6e0765_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection
    ADD CONSTRAINT lamindb_collection_meta_artifact_id_0e6e0765_fk_lamindb_a FOREIGN KEY (meta_artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collection_recreating_runs lamindb_collection_r_collection_id_5e4777a1_fk_lamindb_c; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection_recreating_runs
    ADD CONSTRAINT lamindb_collection_r_collection_id_5e4777a1_fk_lamindb_c FOREIGN KEY (collection_id) REFERENCES public.lamindb_collection(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collection_recreating_runs lamindb_collection_r_run_id_71547271_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection_recreating_runs
    ADD CONSTRAINT lamindb_collection_r_run_id_71547271_fk_lamindb_r FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collection lamindb_collection_run_id_0373eae7_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection
    ADD CONSTRAINT lamindb_collection_run_id_0373eae7_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collection lamindb_collection_schema_id_b35408f6_fk_lamindb_schema_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection
    ADD CONSTRAINT lamindb_collection_schema_id_b35408f6_fk_lamindb_schema_id FOREIGN KEY (schema_id) REFERENCES public.lamindb_schema(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collection lamindb_collection_space_id_671edffc_fk_lamindb_space_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collection
    ADD CONSTRAINT lamindb_collection_space_id_671edffc_fk_lamindb_space_id FOREIGN KEY (space_id) REFERENCES public.lamindb_space(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionartifact lamindb_collectionar_artifact_id_8b9828d2_fk_lamindb_a; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionartifact
    ADD CONSTRAINT lamindb_collectionar_artifact_id_8b9828d2_fk_lamindb_a FOREIGN KEY (artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionartifact lamindb_collectionar_collection_id_30eb3b4d_fk_lamindb_c; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionartifact
    ADD CONSTRAINT lamindb_collectionar_collection_id_30eb3b4d_fk_lamindb_c FOREIGN KEY (collection_id) REFERENCES public.lamindb_collection(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionartifact lamindb_collectionar_created_by_id_d10cd9dd_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionartifact
    ADD CONSTRAINT lamindb_collectionar_created_by_id_d10cd9dd_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionartifact lamindb_collectionartifact_run_id_c2b71caf_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionartifact
    ADD CONSTRAINT lamindb_collectionartifact_run_id_c2b71caf_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionblock lamindb_collectionbl_collection_id_35cb1593_fk_lamindb_c; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionblock
    ADD CONSTRAINT lamindb_collectionbl_collection_id_35cb1593_fk_lamindb_c FOREIGN KEY (collection_id) REFERENCES public.lamindb_collection(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionblock lamindb_collectionbl_created_by_id_03e2abf4_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionblock
    ADD CONSTRAINT lamindb_collectionbl_created_by_id_03e2abf4_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionblock lamindb_collectionbl_created_on_id_554fa296_fk_lamindb_b; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionblock
    ADD CONSTRAINT lamindb_collectionbl_created_on_id_554fa296_fk_lamindb_b FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionblock lamindb_collectionblock_branch_id_d5a9a1a2_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionblock
    ADD CONSTRAINT lamindb_collectionblock_branch_id_d5a9a1a2_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionproject lamindb_collectionpr_collection_id_7fd6dd7a_fk_lamindb_c; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionproject
    ADD CONSTRAINT lamindb_collectionpr_collection_id_7fd6dd7a_fk_lamindb_c FOREIGN KEY (collection_id) REFERENCES public.lamindb_collection(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionproject lamindb_collectionpr_created_by_id_d371897b_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionproject
    ADD CONSTRAINT lamindb_collectionpr_created_by_id_d371897b_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionproject lamindb_collectionpr_project_id_75c68bc2_fk_lamindb_p; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionproject
    ADD CONSTRAINT lamindb_collectionpr_project_id_75c68bc2_fk_lamindb_p FOREIGN KEY (project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionproject lamindb_collectionproject_run_id_cf5d1122_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionproject
    ADD CONSTRAINT lamindb_collectionproject_run_id_cf5d1122_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionreference lamindb_collectionre_collection_id_600f737e_fk_lamindb_c; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionreference
    ADD CONSTRAINT lamindb_collectionre_collection_id_600f737e_fk_lamindb_c FOREIGN KEY (collection_id) REFERENCES public.lamindb_collection(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionrecord lamindb_collectionre_collection_id_68e0a331_fk_lamindb_c; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionrecord
    ADD CONSTRAINT lamindb_collectionre_collection_id_68e0a331_fk_lamindb_c FOREIGN KEY (collection_id) REFERENCES public.lamindb_collection(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionrecord lamindb_collectionre_created_by_id_86d65e01_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionrecord
    ADD CONSTRAINT lamindb_collectionre_created_by_id_86d65e01_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionreference lamindb_collectionre_created_by_id_c13716de_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionreference
    ADD CONSTRAINT lamindb_collectionre_created_by_id_c13716de_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionrecord lamindb_collectionre_feature_id_0ee2a4f6_fk_lamindb_f; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionrecord
    ADD CONSTRAINT lamindb_collectionre_feature_id_0ee2a4f6_fk_lamindb_f FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionrecord lamindb_collectionre_record_id_a5bb2e24_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionrecord
    ADD CONSTRAINT lamindb_collectionre_record_id_a5bb2e24_fk_lamindb_r FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionreference lamindb_collectionre_reference_id_ebef93fd_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionreference
    ADD CONSTRAINT lamindb_collectionre_reference_id_ebef93fd_fk_lamindb_r FOREIGN KEY (reference_id) REFERENCES public.lamindb_reference(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionrecord lamindb_collectionrecord_run_id_1b932f4a_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionrecord
    ADD CONSTRAINT lamindb_collectionrecord_run_id_1b932f4a_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionreference lamindb_collectionreference_run_id_45292794_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionreference
    ADD CONSTRAINT lamindb_collectionreference_run_id_45292794_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionulabel lamindb_collectionul_collection_id_07459fd6_fk_lamindb_c; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionulabel
    ADD CONSTRAINT lamindb_collectionul_collection_id_07459fd6_fk_lamindb_c FOREIGN KEY (collection_id) REFERENCES public.lamindb_collection(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionulabel lamindb_collectionul_created_by_id_9fb2214f_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionulabel
    ADD CONSTRAINT lamindb_collectionul_created_by_id_9fb2214f_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionulabel lamindb_collectionul_feature_id_42853224_fk_lamindb_f; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionulabel
    ADD CONSTRAINT lamindb_collectionul_feature_id_42853224_fk_lamindb_f FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionulabel lamindb_collectionul_ulabel_id_5b43c4c6_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionulabel
    ADD CONSTRAINT lamindb_collectionul_ulabel_id_5b43c4c6_fk_lamindb_u FOREIGN KEY (ulabel_id) REFERENCES public.lamindb_ulabel(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_collectionulabel lamindb_collectionulabel_run_id_2edee3be_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_collectionulabel
    ADD CONSTRAINT lamindb_collectionulabel_run_id_2edee3be_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_featureblock lamindb_featureblock_branch_id_24250dc1_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_featureblock
    ADD CONSTRAINT lamindb_featureblock_branch_id_24250dc1_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_featureblock lamindb_featureblock_created_by_id_1d983ea2_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_featureblock
    ADD CONSTRAINT lamindb_featureblock_created_by_id_1d983ea2_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_featureblock lamindb_featureblock_created_on_id_21daf15c_fk_lamindb_b; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_featureblock
    ADD CONSTRAINT lamindb_featureblock_created_on_id_21daf15c_fk_lamindb_b FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_featureblock lamindb_featureblock_feature_id_6a53ed49_fk_lamindb_feature_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_featureblock
    ADD CONSTRAINT lamindb_featureblock_feature_id_6a53ed49_fk_lamindb_feature_id FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_featureproject lamindb_featureproje_created_by_id_a1239ed7_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_featureproject
    ADD CONSTRAINT lamindb_featureproje_created_by_id_a1239ed7_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_featureproject lamindb_featureproje_feature_id_11474969_fk_lamindb_f; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_featureproject
    ADD CONSTRAINT lamindb_featureproje_feature_id_11474969_fk_lamindb_f FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_featureproject lamindb_featureproje_project_id_d16c8a98_fk_lamindb_p; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_featureproject
    ADD CONSTRAINT lamindb_featureproje_project_id_d16c8a98_fk_lamindb_p FOREIGN KEY (project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_featureproject lamindb_featureproject_run_id_d622fc76_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_featureproject
    ADD CONSTRAINT lamindb_featureproject_run_id_d622fc76_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_project lamindb_project_branch_id_fa5cf314_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project
    ADD CONSTRAINT lamindb_project_branch_id_fa5cf314_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_project lamindb_project_created_by_id_c8304453_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project
    ADD CONSTRAINT lamindb_project_created_by_id_c8304453_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_project lamindb_project_created_on_id_d40237be_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project
    ADD CONSTRAINT lamindb_project_created_on_id_d40237be_fk_lamindb_branch_id FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_project_parents lamindb_project_pare_from_project_id_39ad299d_fk_lamindb_p; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project_parents
    ADD CONSTRAINT lamindb_project_pare_from_project_id_39ad299d_fk_lamindb_p FOREIGN KEY (from_project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_project_parents lamindb_project_pare_to_project_id_371c8135_fk_lamindb_p; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project_parents
    ADD CONSTRAINT lamindb_project_pare_to_project_id_371c8135_fk_lamindb_p FOREIGN KEY (to_project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_project_predecessors lamindb_project_pred_from_project_id_f94d8798_fk_lamindb_p; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project_predecessors
    ADD CONSTRAINT lamindb_project_pred_from_project_id_f94d8798_fk_lamindb_p FOREIGN KEY (from_project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_project_predecessors lamindb_project_pred_to_project_id_e77dbb62_fk_lamindb_p; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project_predecessors
    ADD CONSTRAINT lamindb_project_pred_to_project_id_e77dbb62_fk_lamindb_p FOREIGN KEY (to_project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_project_references lamindb_project_refe_project_id_c7874de1_fk_lamindb_p; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project_references
    ADD CONSTRAINT lamindb_project_refe_project_id_c7874de1_fk_lamindb_p FOREIGN KEY (project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_project_references lamindb_project_refe_reference_id_e74f049f_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project_references
    ADD CONSTRAINT lamindb_project_refe_reference_id_e74f049f_fk_lamindb_r FOREIGN KEY (reference_id) REFERENCES public.lamindb_reference(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_project lamindb_project_run_id_55a588a2_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project
    ADD CONSTRAINT lamindb_project_run_id_55a588a2_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_project lamindb_project_space_id_f9279df0_fk_lamindb_space_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project
    ADD CONSTRAINT lamindb_project_space_id_f9279df0_fk_lamindb_space_id FOREIGN KEY (space_id) REFERENCES public.lamindb_space(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_project lamindb_project_type_id_f8d2fc08_fk_lamindb_project_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_project
    ADD CONSTRAINT lamindb_project_type_id_f8d2fc08_fk_lamindb_project_id FOREIGN KEY (type_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_projectblock lamindb_projectblock_branch_id_661e298d_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectblock
    ADD CONSTRAINT lamindb_projectblock_branch_id_661e298d_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_projectblock lamindb_projectblock_created_by_id_d970e853_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectblock
    ADD CONSTRAINT lamindb_projectblock_created_by_id_d970e853_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_projectblock lamindb_projectblock_created_on_id_21877404_fk_lamindb_b; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectblock
    ADD CONSTRAINT lamindb_projectblock_created_on_id_21877404_fk_lamindb_b FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_projectblock lamindb_projectblock_project_id_abee1642_fk_lamindb_project_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectblock
    ADD CONSTRAINT lamindb_projectblock_project_id_abee1642_fk_lamindb_project_id FOREIGN KEY (project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_projectrecord lamindb_projectrecord_created_by_id_69210939_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectrecord
    ADD CONSTRAINT lamindb_projectrecord_created_by_id_69210939_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_projectrecord lamindb_projectrecord_feature_id_44471fa5_fk_lamindb_feature_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectrecord
    ADD CONSTRAINT lamindb_projectrecord_feature_id_44471fa5_fk_lamindb_feature_id FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_projectrecord lamindb_projectrecord_project_id_442bef79_fk_lamindb_project_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectrecord
    ADD CONSTRAINT lamindb_projectrecord_project_id_442bef79_fk_lamindb_project_id FOREIGN KEY (project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_projectrecord lamindb_projectrecord_record_id_8d06ef05_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectrecord
    ADD CONSTRAINT lamindb_projectrecord_record_id_8d06ef05_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_projectrecord lamindb_projectrecord_run_id_a1f2e2da_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectrecord
    ADD CONSTRAINT lamindb_projectrecord_run_id_a1f2e2da_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_projectuser lamindb_projectuser_project_id_8fabc5d4_fk_lamindb_project_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectuser
    ADD CONSTRAINT lamindb_projectuser_project_id_8fabc5d4_fk_lamindb_project_id FOREIGN KEY (project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_projectuser lamindb_projectuser_user_id_5e829a45_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_projectuser
    ADD CONSTRAINT lamindb_projectuser_user_id_5e829a45_fk_lamindb_user_id FOREIGN KEY (user_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_record lamindb_record_branch_id_df1bf649_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record
    ADD CONSTRAINT lamindb_record_branch_id_df1bf649_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_record lamindb_record_created_by_id_901df711_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record
    ADD CONSTRAINT lamindb_record_created_by_id_901df711_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_record lamindb_record_created_on_id_763e6393_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record
    ADD CONSTRAINT lamindb_record_created_on_id_763e6393_fk_lamindb_branch_id FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_record_input_of_runs lamindb_record_input_of_runs_run_id_9e0ec745_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record_input_of_runs
    ADD CONSTRAINT lamindb_record_input_of_runs_run_id_9e0ec745_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_record_input_of_runs lamindb_record_input_record_id_d87bec0e_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record_input_of_runs
    ADD CONSTRAINT lamindb_record_input_record_id_d87bec0e_fk_lamindb_r FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_record_parents lamindb_record_paren_from_record_id_ef77edd9_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record_parents
    ADD CONSTRAINT lamindb_record_paren_from_record_id_ef77edd9_fk_lamindb_r FOREIGN KEY (from_record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_record_parents lamindb_record_paren_to_record_id_12f749ba_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record_parents
    ADD CONSTRAINT lamindb_record_paren_to_record_id_12f749ba_fk_lamindb_r FOREIGN KEY (to_record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_record lamindb_record_run_id_f1df815c_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record
    ADD CONSTRAINT lamindb_record_run_id_f1df815c_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_record lamindb_record_schema_id_cd05808b_fk_lamindb_schema_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record
    ADD CONSTRAINT lamindb_record_schema_id_cd05808b_fk_lamindb_schema_id FOREIGN KEY (schema_id) REFERENCES public.lamindb_schema(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_record lamindb_record_space_id_ba085a6e_fk_lamindb_space_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record
    ADD CONSTRAINT lamindb_record_space_id_ba085a6e_fk_lamindb_space_id FOREIGN KEY (space_id) REFERENCES public.lamindb_space(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_record lamindb_record_type_id_01fc542e_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_record
    ADD CONSTRAINT lamindb_record_type_id_01fc542e_fk_lamindb_record_id FOREIGN KEY (type_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordartifact lamindb_recordartifa_feature_id_c3f2d3d6_fk_lamindb_f; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordartifact
    ADD CONSTRAINT lamindb_recordartifa_feature_id_c3f2d3d6_fk_lamindb_f FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordartifact lamindb_recordartifact_record_id_a96bed19_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordartifact
    ADD CONSTRAINT lamindb_recordartifact_record_id_a96bed19_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordartifact lamindb_recordartifact_value_id_4464da70_fk_lamindb_artifact_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordartifact
    ADD CONSTRAINT lamindb_recordartifact_value_id_4464da70_fk_lamindb_artifact_id FOREIGN KEY (value_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordblock lamindb_recordblock_branch_id_759c8cf9_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordblock
    ADD CONSTRAINT lamindb_recordblock_branch_id_759c8cf9_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordblock lamindb_recordblock_created_by_id_bec0236b_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordblock
    ADD CONSTRAINT lamindb_recordblock_created_by_id_bec0236b_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordblock lamindb_recordblock_created_on_id_b2ac0820_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordblock
    ADD CONSTRAINT lamindb_recordblock_created_on_id_b2ac0820_fk_lamindb_branch_id FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordblock lamindb_recordblock_record_id_6cfd8cf1_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordblock
    ADD CONSTRAINT lamindb_recordblock_record_id_6cfd8cf1_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordcollection lamindb_recordcollec_feature_id_ad1794a9_fk_lamindb_f; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordcollection
    ADD CONSTRAINT lamindb_recordcollec_feature_id_ad1794a9_fk_lamindb_f FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordcollection lamindb_recordcollec_record_id_7cb820da_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordcollection
    ADD CONSTRAINT lamindb_recordcollec_record_id_7cb820da_fk_lamindb_r FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordcollection lamindb_recordcollec_value_id_6d52fd3c_fk_lamindb_c; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordcollection
    ADD CONSTRAINT lamindb_recordcollec_value_id_6d52fd3c_fk_lamindb_c FOREIGN KEY (value_id) REFERENCES public.lamindb_collection(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordjson lamindb_recordjson_feature_id_9327b5c5_fk_lamindb_feature_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordjson
    ADD CONSTRAINT lamindb_recordjson_feature_id_9327b5c5_fk_lamindb_feature_id FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordjson lamindb_recordjson_record_id_09e14c27_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordjson
    ADD CONSTRAINT lamindb_recordjson_record_id_09e14c27_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordproject lamindb_recordproject_feature_id_c9be9dbf_fk_lamindb_feature_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordproject
    ADD CONSTRAINT lamindb_recordproject_feature_id_c9be9dbf_fk_lamindb_feature_id FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordproject lamindb_recordproject_record_id_0ff77dd9_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordproject
    ADD CONSTRAINT lamindb_recordproject_record_id_0ff77dd9_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordproject lamindb_recordproject_value_id_1388f385_fk_lamindb_project_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordproject
    ADD CONSTRAINT lamindb_recordproject_value_id_1388f385_fk_lamindb_project_id FOREIGN KEY (value_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordrecord lamindb_recordrecord_feature_id_b4ac6896_fk_lamindb_feature_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordrecord
    ADD CONSTRAINT lamindb_recordrecord_feature_id_b4ac6896_fk_lamindb_feature_id FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordrecord lamindb_recordrecord_record_id_2e8b4c14_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordrecord
    ADD CONSTRAINT lamindb_recordrecord_record_id_2e8b4c14_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordrecord lamindb_recordrecord_value_id_875df4b4_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordrecord
    ADD CONSTRAINT lamindb_recordrecord_value_id_875df4b4_fk_lamindb_record_id FOREIGN KEY (value_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordreference lamindb_recordrefere_feature_id_5743802b_fk_lamindb_f; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordreference
    ADD CONSTRAINT lamindb_recordrefere_feature_id_5743802b_fk_lamindb_f FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordreference lamindb_recordrefere_value_id_2f9d998e_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordreference
    ADD CONSTRAINT lamindb_recordrefere_value_id_2f9d998e_fk_lamindb_r FOREIGN KEY (value_id) REFERENCES public.lamindb_reference(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordreference lamindb_recordreference_record_id_daa9442e_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordreference
    ADD CONSTRAINT lamindb_recordreference_record_id_daa9442e_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordrun lamindb_recordrun_feature_id_155c9fd4_fk_lamindb_feature_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordrun
    ADD CONSTRAINT lamindb_recordrun_feature_id_155c9fd4_fk_lamindb_feature_id FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordrun lamindb_recordrun_record_id_309b174f_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordrun
    ADD CONSTRAINT lamindb_recordrun_record_id_309b174f_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordrun lamindb_recordrun_value_id_eb7934f0_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordrun
    ADD CONSTRAINT lamindb_recordrun_value_id_eb7934f0_fk_lamindb_run_id FOREIGN KEY (value_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordtransform lamindb_recordtransf_feature_id_81d637e0_fk_lamindb_f; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordtransform
    ADD CONSTRAINT lamindb_recordtransf_feature_id_81d637e0_fk_lamindb_f FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordtransform lamindb_recordtransf_value_id_aadfd134_fk_lamindb_t; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordtransform
    ADD CONSTRAINT lamindb_recordtransf_value_id_aadfd134_fk_lamindb_t FOREIGN KEY (value_id) REFERENCES public.lamindb_transform(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordtransform lamindb_recordtransform_record_id_c2db8a60_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordtransform
    ADD CONSTRAINT lamindb_recordtransform_record_id_c2db8a60_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordulabel lamindb_recordulabel_feature_id_c601a9eb_fk_lamindb_feature_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordulabel
    ADD CONSTRAINT lamindb_recordulabel_feature_id_c601a9eb_fk_lamindb_feature_id FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordulabel lamindb_recordulabel_record_id_1bf7fbef_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordulabel
    ADD CONSTRAINT lamindb_recordulabel_record_id_1bf7fbef_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recordulabel lamindb_recordulabel_value_id_70b71450_fk_lamindb_ulabel_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recordulabel
    ADD CONSTRAINT lamindb_recordulabel_value_id_70b71450_fk_lamindb_ulabel_id FOREIGN KEY (value_id) REFERENCES public.lamindb_ulabel(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recorduser lamindb_recorduser_feature_id_fc3339cb_fk_lamindb_feature_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recorduser
    ADD CONSTRAINT lamindb_recorduser_feature_id_fc3339cb_fk_lamindb_feature_id FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recorduser lamindb_recorduser_record_id_b5265f3f_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recorduser
    ADD CONSTRAINT lamindb_recorduser_record_id_b5265f3f_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_recorduser lamindb_recorduser_value_id_0f3c4cc8_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_recorduser
    ADD CONSTRAINT lamindb_recorduser_value_id_0f3c4cc8_fk_lamindb_user_id FOREIGN KEY (value_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_reference lamindb_reference_branch_id_3ea7424e_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_reference
    ADD CONSTRAINT lamindb_reference_branch_id_3ea7424e_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_reference lamindb_reference_created_by_id_24799aa4_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_reference
    ADD CONSTRAINT lamindb_reference_created_by_id_24799aa4_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_reference lamindb_reference_created_on_id_032d48bd_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_reference
    ADD CONSTRAINT lamindb_reference_created_on_id_032d48bd_fk_lamindb_branch_id FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_reference lamindb_reference_run_id_357d0d28_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_reference
    ADD CONSTRAINT lamindb_reference_run_id_357d0d28_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_reference lamindb_reference_space_id_6c5892c0_fk_lamindb_space_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_reference
    ADD CONSTRAINT lamindb_reference_space_id_6c5892c0_fk_lamindb_space_id FOREIGN KEY (space_id) REFERENCES public.lamindb_space(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_reference lamindb_reference_type_id_2676c04b_fk_lamindb_reference_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_reference
    ADD CONSTRAINT lamindb_reference_type_id_2676c04b_fk_lamindb_reference_id FOREIGN KEY (type_id) REFERENCES public.lamindb_reference(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_referencerecord lamindb_referencerec_created_by_id_bb351d9c_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_referencerecord
    ADD CONSTRAINT lamindb_referencerec_created_by_id_bb351d9c_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_referencerecord lamindb_referencerec_feature_id_1215f3f1_fk_lamindb_f; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_referencerecord
    ADD CONSTRAINT lamindb_referencerec_feature_id_1215f3f1_fk_lamindb_f FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_referencerecord lamindb_referencerec_reference_id_d07da8d6_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_referencerecord
    ADD CONSTRAINT lamindb_referencerec_reference_id_d07da8d6_fk_lamindb_r FOREIGN KEY (reference_id) REFERENCES public.lamindb_reference(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_referencerecord lamindb_referencerecord_record_id_7aba732e_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_referencerecord
    ADD CONSTRAINT lamindb_referencerecord_record_id_7aba732e_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_referencerecord lamindb_referencerecord_run_id_6e2ae7d8_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_referencerecord
    ADD CONSTRAINT lamindb_referencerecord_run_id_6e2ae7d8_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runartifact lamindb_runartifact_artifact_id_6b08957f_fk_lamindb_artifact_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runartifact
    ADD CONSTRAINT lamindb_runartifact_artifact_id_6b08957f_fk_lamindb_artifact_id FOREIGN KEY (artifact_id) REFERENCES public.lamindb_artifact(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runartifact lamindb_runartifact_feature_id_031f9a99_fk_lamindb_feature_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runartifact
    ADD CONSTRAINT lamindb_runartifact_feature_id_031f9a99_fk_lamindb_feature_id FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runartifact lamindb_runartifact_run_id_7d2020da_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runartifact
    ADD CONSTRAINT lamindb_runartifact_run_id_7d2020da_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runblock lamindb_runblock_branch_id_7245ad33_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runblock
    ADD CONSTRAINT lamindb_runblock_branch_id_7245ad33_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runblock lamindb_runblock_created_by_id_e092dfbc_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runblock
    ADD CONSTRAINT lamindb_runblock_created_by_id_e092dfbc_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runblock lamindb_runblock_created_on_id_954525d1_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runblock
    ADD CONSTRAINT lamindb_runblock_created_on_id_954525d1_fk_lamindb_branch_id FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runblock lamindb_runblock_run_id_4abaff71_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runblock
    ADD CONSTRAINT lamindb_runblock_run_id_4abaff71_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runjsonvalue lamindb_runjsonvalue_created_by_id_0e53abc9_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runjsonvalue
    ADD CONSTRAINT lamindb_runjsonvalue_created_by_id_0e53abc9_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runjsonvalue lamindb_runjsonvalue_jsonvalue_id_fb0461d6_fk_lamindb_j; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runjsonvalue
    ADD CONSTRAINT lamindb_runjsonvalue_jsonvalue_id_fb0461d6_fk_lamindb_j FOREIGN KEY (jsonvalue_id) REFERENCES public.lamindb_jsonvalue(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runjsonvalue lamindb_runjsonvalue_run_id_6591d2f1_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runjsonvalue
    ADD CONSTRAINT lamindb_runjsonvalue_run_id_6591d2f1_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runproject lamindb_runproject_created_by_id_891558f6_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runproject
    ADD CONSTRAINT lamindb_runproject_created_by_id_891558f6_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runproject lamindb_runproject_project_id_92094038_fk_lamindb_project_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runproject
    ADD CONSTRAINT lamindb_runproject_project_id_92094038_fk_lamindb_project_id FOREIGN KEY (project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runproject lamindb_runproject_run_id_343ad45c_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runproject
    ADD CONSTRAINT lamindb_runproject_run_id_343ad45c_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runrecord lamindb_runrecord_created_by_id_1e347561_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runrecord
    ADD CONSTRAINT lamindb_runrecord_created_by_id_1e347561_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runrecord lamindb_runrecord_feature_id_d133fe80_fk_lamindb_feature_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runrecord
    ADD CONSTRAINT lamindb_runrecord_feature_id_d133fe80_fk_lamindb_feature_id FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runrecord lamindb_runrecord_record_id_49a81ae2_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runrecord
    ADD CONSTRAINT lamindb_runrecord_record_id_49a81ae2_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runrecord lamindb_runrecord_run_id_e47af891_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runrecord
    ADD CONSTRAINT lamindb_runrecord_run_id_e47af891_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runulabel lamindb_runulabel_created_by_id_fbb96cf9_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runulabel
    ADD CONSTRAINT lamindb_runulabel_created_by_id_fbb96cf9_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runulabel lamindb_runulabel_run_id_70dfc4e6_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runulabel
    ADD CONSTRAINT lamindb_runulabel_run_id_70dfc4e6_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_runulabel lamindb_runulabel_ulabel_id_3145e0e5_fk_lamindb_ulabel_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_runulabel
    ADD CONSTRAINT lamindb_runulabel_ulabel_id_3145e0e5_fk_lamindb_ulabel_id FOREIGN KEY (ulabel_id) REFERENCES public.lamindb_ulabel(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemablock lamindb_schemablock_branch_id_e1874e97_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemablock
    ADD CONSTRAINT lamindb_schemablock_branch_id_e1874e97_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemablock lamindb_schemablock_created_by_id_0781a8f7_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemablock
    ADD CONSTRAINT lamindb_schemablock_created_by_id_0781a8f7_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemablock lamindb_schemablock_created_on_id_d467e366_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemablock
    ADD CONSTRAINT lamindb_schemablock_created_on_id_d467e366_fk_lamindb_branch_id FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemablock lamindb_schemablock_schema_id_a375a61e_fk_lamindb_schema_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemablock
    ADD CONSTRAINT lamindb_schemablock_schema_id_a375a61e_fk_lamindb_schema_id FOREIGN KEY (schema_id) REFERENCES public.lamindb_schema(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemacomponent lamindb_schemacompon_component_id_08b21d28_fk_lamindb_s; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemacomponent
    ADD CONSTRAINT lamindb_schemacompon_component_id_08b21d28_fk_lamindb_s FOREIGN KEY (component_id) REFERENCES public.lamindb_schema(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemacomponent lamindb_schemacompon_composite_id_0bbc759a_fk_lamindb_s; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemacomponent
    ADD CONSTRAINT lamindb_schemacompon_composite_id_0bbc759a_fk_lamindb_s FOREIGN KEY (composite_id) REFERENCES public.lamindb_schema(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemacomponent lamindb_schemacompon_created_by_id_75ec8dff_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemacomponent
    ADD CONSTRAINT lamindb_schemacompon_created_by_id_75ec8dff_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemacomponent lamindb_schemacomponent_run_id_59298bdc_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemacomponent
    ADD CONSTRAINT lamindb_schemacomponent_run_id_59298bdc_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemafeature lamindb_schemafeature_feature_id_449fe054_fk_lamindb_feature_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemafeature
    ADD CONSTRAINT lamindb_schemafeature_feature_id_449fe054_fk_lamindb_feature_id FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemafeature lamindb_schemafeature_schema_id_ac95eb5d_fk_lamindb_schema_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemafeature
    ADD CONSTRAINT lamindb_schemafeature_schema_id_ac95eb5d_fk_lamindb_schema_id FOREIGN KEY (schema_id) REFERENCES public.lamindb_schema(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemaproject lamindb_schemaproject_created_by_id_6f4b1b54_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemaproject
    ADD CONSTRAINT lamindb_schemaproject_created_by_id_6f4b1b54_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemaproject lamindb_schemaproject_project_id_9981aa7f_fk_lamindb_project_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemaproject
    ADD CONSTRAINT lamindb_schemaproject_project_id_9981aa7f_fk_lamindb_project_id FOREIGN KEY (project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemaproject lamindb_schemaproject_run_id_e52659ce_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemaproject
    ADD CONSTRAINT lamindb_schemaproject_run_id_e52659ce_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_schemaproject lamindb_schemaproject_schema_id_4dd249c4_fk_lamindb_schema_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_schemaproject
    ADD CONSTRAINT lamindb_schemaproject_schema_id_4dd249c4_fk_lamindb_schema_id FOREIGN KEY (schema_id) REFERENCES public.lamindb_schema(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_spaceblock lamindb_spaceblock_branch_id_f0ce74ce_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_spaceblock
    ADD CONSTRAINT lamindb_spaceblock_branch_id_f0ce74ce_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_spaceblock lamindb_spaceblock_created_by_id_252568f4_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_spaceblock
    ADD CONSTRAINT lamindb_spaceblock_created_by_id_252568f4_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_spaceblock lamindb_spaceblock_created_on_id_1c68dee0_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_spaceblock
    ADD CONSTRAINT lamindb_spaceblock_created_on_id_1c68dee0_fk_lamindb_branch_id FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_spaceblock lamindb_spaceblock_space_id_78889e95_fk_lamindb_space_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_spaceblock
    ADD CONSTRAINT lamindb_spaceblock_space_id_78889e95_fk_lamindb_space_id FOREIGN KEY (space_id) REFERENCES public.lamindb_space(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformblock lamindb_transformblo_created_by_id_70ae5f88_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformblock
    ADD CONSTRAINT lamindb_transformblo_created_by_id_70ae5f88_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformblock lamindb_transformblo_created_on_id_09216d19_fk_lamindb_b; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformblock
    ADD CONSTRAINT lamindb_transformblo_created_on_id_09216d19_fk_lamindb_b FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformblock lamindb_transformblo_transform_id_63cde4b3_fk_lamindb_t; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformblock
    ADD CONSTRAINT lamindb_transformblo_transform_id_63cde4b3_fk_lamindb_t FOREIGN KEY (transform_id) REFERENCES public.lamindb_transform(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformblock lamindb_transformblock_branch_id_35352c97_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformblock
    ADD CONSTRAINT lamindb_transformblock_branch_id_35352c97_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformproject lamindb_transformpro_created_by_id_b88a554e_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformproject
    ADD CONSTRAINT lamindb_transformpro_created_by_id_b88a554e_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformproject lamindb_transformpro_project_id_a1edab1b_fk_lamindb_p; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformproject
    ADD CONSTRAINT lamindb_transformpro_project_id_a1edab1b_fk_lamindb_p FOREIGN KEY (project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformproject lamindb_transformpro_transform_id_9438c789_fk_lamindb_t; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformproject
    ADD CONSTRAINT lamindb_transformpro_transform_id_9438c789_fk_lamindb_t FOREIGN KEY (transform_id) REFERENCES public.lamindb_transform(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformproject lamindb_transformproject_run_id_3e898831_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformproject
    ADD CONSTRAINT lamindb_transformproject_run_id_3e898831_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformrecord lamindb_transformrec_created_by_id_ebcd7ce1_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformrecord
    ADD CONSTRAINT lamindb_transformrec_created_by_id_ebcd7ce1_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformrecord lamindb_transformrec_feature_id_e59e2875_fk_lamindb_f; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformrecord
    ADD CONSTRAINT lamindb_transformrec_feature_id_e59e2875_fk_lamindb_f FOREIGN KEY (feature_id) REFERENCES public.lamindb_feature(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformrecord lamindb_transformrec_transform_id_20a0ff25_fk_lamindb_t; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformrecord
    ADD CONSTRAINT lamindb_transformrec_transform_id_20a0ff25_fk_lamindb_t FOREIGN KEY (transform_id) REFERENCES public.lamindb_transform(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformrecord lamindb_transformrecord_record_id_73bd7504_fk_lamindb_record_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformrecord
    ADD CONSTRAINT lamindb_transformrecord_record_id_73bd7504_fk_lamindb_record_id FOREIGN KEY (record_id) REFERENCES public.lamindb_record(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformrecord lamindb_transformrecord_run_id_4248288a_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformrecord
    ADD CONSTRAINT lamindb_transformrecord_run_id_4248288a_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformreference lamindb_transformref_created_by_id_4413de6d_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformreference
    ADD CONSTRAINT lamindb_transformref_created_by_id_4413de6d_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformreference lamindb_transformref_reference_id_75c5e433_fk_lamindb_r; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformreference
    ADD CONSTRAINT lamindb_transformref_reference_id_75c5e433_fk_lamindb_r FOREIGN KEY (reference_id) REFERENCES public.lamindb_reference(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformreference lamindb_transformref_transform_id_cdb5a524_fk_lamindb_t; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformreference
    ADD CONSTRAINT lamindb_transformref_transform_id_cdb5a524_fk_lamindb_t FOREIGN KEY (transform_id) REFERENCES public.lamindb_transform(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformreference lamindb_transformreference_run_id_dddce3ee_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformreference
    ADD CONSTRAINT lamindb_transformreference_run_id_dddce3ee_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformtransform lamindb_transformtra_created_by_id_33dde3a3_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformtransform
    ADD CONSTRAINT lamindb_transformtra_created_by_id_33dde3a3_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformtransform lamindb_transformtra_predecessor_id_f85d9400_fk_lamindb_t; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformtransform
    ADD CONSTRAINT lamindb_transformtra_predecessor_id_f85d9400_fk_lamindb_t FOREIGN KEY (predecessor_id) REFERENCES public.lamindb_transform(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformtransform lamindb_transformtra_successor_id_003ada9c_fk_lamindb_t; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformtransform
    ADD CONSTRAINT lamindb_transformtra_successor_id_003ada9c_fk_lamindb_t FOREIGN KEY (successor_id) REFERENCES public.lamindb_transform(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformtransform lamindb_transformtransform_run_id_c2d5e57b_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformtransform
    ADD CONSTRAINT lamindb_transformtransform_run_id_c2d5e57b_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformulabel lamindb_transformula_created_by_id_eb78544f_fk_lamindb_u; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformulabel
    ADD CONSTRAINT lamindb_transformula_created_by_id_eb78544f_fk_lamindb_u FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformulabel lamindb_transformula_transform_id_cadbf06a_fk_lamindb_t; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformulabel
    ADD CONSTRAINT lamindb_transformula_transform_id_cadbf06a_fk_lamindb_t FOREIGN KEY (transform_id) REFERENCES public.lamindb_transform(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformulabel lamindb_transformulabel_run_id_27f0f87b_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformulabel
    ADD CONSTRAINT lamindb_transformulabel_run_id_27f0f87b_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_transformulabel lamindb_transformulabel_ulabel_id_ef94919f_fk_lamindb_ulabel_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_transformulabel
    ADD CONSTRAINT lamindb_transformulabel_ulabel_id_ef94919f_fk_lamindb_ulabel_id FOREIGN KEY (ulabel_id) REFERENCES public.lamindb_ulabel(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_ulabelblock lamindb_ulabelblock_branch_id_18976d90_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_ulabelblock
    ADD CONSTRAINT lamindb_ulabelblock_branch_id_18976d90_fk_lamindb_branch_id FOREIGN KEY (branch_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_ulabelblock lamindb_ulabelblock_created_by_id_1665e1df_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_ulabelblock
    ADD CONSTRAINT lamindb_ulabelblock_created_by_id_1665e1df_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_ulabelblock lamindb_ulabelblock_created_on_id_98ebc071_fk_lamindb_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_ulabelblock
    ADD CONSTRAINT lamindb_ulabelblock_created_on_id_98ebc071_fk_lamindb_branch_id FOREIGN KEY (created_on_id) REFERENCES public.lamindb_branch(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_ulabelblock lamindb_ulabelblock_ulabel_id_cd472ae4_fk_lamindb_ulabel_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_ulabelblock
    ADD CONSTRAINT lamindb_ulabelblock_ulabel_id_cd472ae4_fk_lamindb_ulabel_id FOREIGN KEY (ulabel_id) REFERENCES public.lamindb_ulabel(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_ulabelproject lamindb_ulabelproject_created_by_id_3e56e597_fk_lamindb_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_ulabelproject
    ADD CONSTRAINT lamindb_ulabelproject_created_by_id_3e56e597_fk_lamindb_user_id FOREIGN KEY (created_by_id) REFERENCES public.lamindb_user(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_ulabelproject lamindb_ulabelproject_project_id_1821e884_fk_lamindb_project_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_ulabelproject
    ADD CONSTRAINT lamindb_ulabelproject_project_id_1821e884_fk_lamindb_project_id FOREIGN KEY (project_id) REFERENCES public.lamindb_project(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_ulabelproject lamindb_ulabelproject_run_id_37a5399d_fk_lamindb_run_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_ulabelproject
    ADD CONSTRAINT lamindb_ulabelproject_run_id_37a5399d_fk_lamindb_run_id FOREIGN KEY (run_id) REFERENCES public.lamindb_run(id) DEFERRABLE INITIALLY DEFERRED;

-- Name: lamindb_ulabelproject lamindb_ulabelproject_ulabel_id_c2d48b16_fk_lamindb_ulabel_id; Type: FK CONSTRAINT; Schema: public; Owner: -
ALTER TABLE ONLY public.lamindb_ulabelproject
    ADD CONSTRAINT lamindb_ulabelproject_ulabel_id_c2d48b16_fk_lamindb_ulabel_id FOREIGN KEY (ulabel_id) REFERENCES public.lamindb_ulabel(id) DEFERRABLE INITIALLY DEFERRED;

-- Steps 1-3 made these columns as Django 5.2 made them before; LaminDB 2.12.1 has them so.
ALTER TABLE public.lamindb_artifactulabel ALTER COLUMN id TYPE bigint;
ALTER TABLE public.lamindb_ulabel_parents ALTER COLUMN id TYPE bigint;
ALTER TABLE public.lamindb_jsonvalue ALTER COLUMN id TYPE bigint;
ALTER TABLE public.lamindb_artifactjsonvalue ALTER COLUMN id TYPE bigint;
ALTER TABLE public.lamindb_feature ADD CONSTRAINT feature_type_is_valid_fk CHECK (public.is_valid_feature_type(type_id));
ALTER TABLE public.lamindb_schema ADD CONSTRAINT schema_type_is_valid_fk CHECK (public.is_valid_schema_type(type_id));
ALTER TABLE public.lamindb_ulabel ADD CONSTRAINT ulabel_type_is_valid_fk CHECK (public.is_valid_ulabel_type(type_id));

-- The lamindb app's applied migrations, in the order Python LaminDB 2.12.1's init records them.
INSERT INTO public.django_migrations (app, name, applied) VALUES
('lamindb', '0177_squashed', STATEMENT_TIMESTAMP()),
('lamindb', '0177_alter_artifactblock_artifact_and_more', STATEMENT_TIMESTAMP()),
('lamindb', '0178_v2_2', STATEMENT_TIMESTAMP()),
('lamindb', '0179_v2_2_part_2', STATEMENT_TIMESTAMP()),
('lamindb', '0180_v2_2_part_3', STATEMENT_TIMESTAMP()),
('lamindb', '0181_v2_2_part_4', STATEMENT_TIMESTAMP()),
('lamindb', '0182_v2_2_part_5', STATEMENT_TIMESTAMP()),
('lamindb', '0183_v2_2_part_6', STATEMENT_TIMESTAMP()),
('lamindb', '0184_alter_transformrecord_feature', STATEMENT_TIMESTAMP()),
('lamindb', '0185_alter_runrecord_feature', STATEMENT_TIMESTAMP()),
('lamindb', '0186_v2_4', STATEMENT_TIMESTAMP()),
('lamindb', '0187_v2_4_part_2', STATEMENT_TIMESTAMP()),
('lamindb', '0188_remove_record_prevent_record_type_cycle_and_more', STATEMENT_TIMESTAMP()),
('lamindb', '0189_v2_6', STATEMENT_TIMESTAMP()),
('lamindb', '0190_v2_6_1', STATEMENT_TIMESTAMP()),
('lamindb', '0191_artifactschema_unique_slot_schema', STATEMENT_TIMESTAMP()),
('lamindb', '0192_v2_9', STATEMENT_TIMESTAMP()),
('lamindb', '0193_v2_9_part_2', STATEMENT_TIMESTAMP()),
('lamindb', '0193_squashed', STATEMENT_TIMESTAMP());
